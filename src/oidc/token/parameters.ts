// Token request parameters (RFC 6749 3.2): a form body, each parameter at most once
// (RFC 8707 `resource` aside), and empty values treated as absent.
import { InvalidRequest } from "../errors";

const REPEATABLE = new Set(["resource"]);
export const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

export class TokenParameters {
  constructor(private readonly form: URLSearchParams) {}

  get(name: string): string | undefined {
    const value = this.form.get(name);
    return value === null || value === "" ? undefined : value;
  }

  getAll(name: string): string[] {
    return this.form.getAll(name).filter((v) => v !== "");
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Every non-empty parameter, in order. */
  entries(): [string, string][] {
    return [...this.form.entries()].filter(([, value]) => value !== "");
  }
}

/** The body's bytes, or null as soon as it exceeds `limit` (the rest is not read). */
export async function readAtMost(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** `repeatable`: parameters that may appear more than once (RFC 8707 `resource` at the token endpoint). */
export async function readTokenParameters(
  request: Request,
  repeatable: ReadonlySet<string> = REPEATABLE,
): Promise<TokenParameters> {
  const type = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    throw new InvalidRequest("the token request must be sent as application/x-www-form-urlencoded");
  const length = request.headers.get("Content-Length");
  if (Number(length ?? "0") > MAX_TOKEN_REQUEST_BYTES) throw new InvalidRequest("the token request body is too large");
  // The runtime reads no more than a declared Content-Length, so such a body is read at
  // once; a chunked body carries none and is read with a cap.
  let body: string;
  if (length !== null) body = await request.text();
  else {
    const bytes = await readAtMost(request, MAX_TOKEN_REQUEST_BYTES);
    if (bytes === null) throw new InvalidRequest("the token request body is too large");
    body = new TextDecoder().decode(bytes);
  }
  const form = new URLSearchParams(body);
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name) && !repeatable.has(name))
      throw new InvalidRequest(`the parameter '${name}' is included more than once`);
    seen.add(name);
  }
  return new TokenParameters(form);
}
