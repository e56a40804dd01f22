// Management API errors as RFC 9457 problem details. Each problem type has a stable
// name; its `type` URI points at its entry on the API reference page, and `errors` names
// the fields at fault (a JSON pointer into the body, or a parameter name).

export const PROBLEM_TYPES = {
  "malformed-body": { status: 400, title: "The request body is not valid JSON" },
  "invalid-request": { status: 400, title: "The request cannot be processed" },
  unauthorized: { status: 401, title: "A valid management access token is required" },
  "insufficient-scope": { status: 403, title: "The access token lacks a required scope" },
  "forbidden-tenant": { status: 403, title: "The access token may not manage this tenant" },
  "not-found": { status: 404, title: "No such resource" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "The request conflicts with the current state" },
  "body-too-large": { status: 413, title: "The request body is too large" },
  "unsupported-media-type": { status: 415, title: "The request body must be application/json" },
  "validation-failed": { status: 422, title: "The request contains invalid values" },
  "service-unavailable": { status: 503, title: "The service is not available" },
  "internal-error": { status: 500, title: "The server met an unexpected condition" },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

/** One field at fault: `pointer` into the JSON body (RFC 6901, as a URI fragment) or a `parameter`. */
export interface FieldError {
  pointer?: string;
  parameter?: string;
  detail: string;
}

export class Problem extends Error {
  override name = "Problem";
  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return PROBLEM_TYPES[this.type].status;
  }

  toResponse(baseUrl: string, instance: string): Response {
    const body: Record<string, unknown> = {
      type: problemTypeUri(baseUrl, this.type),
      title: PROBLEM_TYPES[this.type].title,
      status: this.status,
      detail: this.detail,
      instance,
    };
    if (this.errors.length) body.errors = this.errors;
    return new Response(JSON.stringify(body), {
      status: this.status,
      headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...this.headers },
    });
  }
}

export function problemTypeUri(baseUrl: string, type: ProblemType): string {
  return `${baseUrl}/admin/v1/docs#problem-${type}`;
}

/** A JSON pointer (as a URI fragment) for a path into the body. */
export function pointerTo(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "#";
  return `#/${path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
}

export const notFound = (what: string) => new Problem("not-found", what);

export function invalidField(pointerPath: readonly PropertyKey[], detail: string): Problem {
  return new Problem("validation-failed", detail, [{ pointer: pointerTo(pointerPath), detail }]);
}
