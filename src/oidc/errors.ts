// One error class per OAuth error code, carrying its HTTP status (RFC 6749 5.2, RFC 8707,
// RFC 6750). Throw them anywhere below an OAuth endpoint; the endpoint's onError turns
// them into the JSON answer the RFCs define.

/**
 * RFC 6749 5.2 allows only %x20-21 / %x23-5B / %x5D-7E in error_description; descriptions
 * may quote client input, so anything else is replaced.
 */
export function safeDescription(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, "?").slice(0, 500);
}

export class OAuthError extends Error {
  override name = "OAuthError";
  constructor(
    readonly error: string,
    readonly status: 400 | 401 | 403 | 404 | 405 | 500 | 503,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
  }

  toResponse(): Response {
    return Response.json(
      { error: this.error, error_description: safeDescription(this.description) },
      {
        status: this.status,
        headers: { "Cache-Control": "no-store", Pragma: "no-cache", ...this.headers },
      },
    );
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string, status: 400 | 405 = 400, headers: Record<string, string> = {}) {
    super("invalid_request", status, description, headers);
  }
}

export class InvalidClient extends OAuthError {
  /** 401 always; the challenge tells a client that used (or should use) HTTP Basic. */
  constructor(description: string, realm: string) {
    super("invalid_client", 401, description, {
      "WWW-Authenticate": `Basic realm="${realm}", charset="UTF-8"`,
    });
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super("invalid_grant", 400, description);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super("unauthorized_client", 400, description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super("unsupported_grant_type", 400, description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super("invalid_scope", 400, description);
  }
}

/** RFC 8707: the requested resource is invalid, missing, unknown, or malformed. */
export class InvalidTarget extends OAuthError {
  constructor(description: string) {
    super("invalid_target", 400, description);
  }
}

export class TemporarilyUnavailable extends OAuthError {
  constructor(description: string) {
    super("temporarily_unavailable", 503, description);
  }
}

export class ServerError extends OAuthError {
  constructor(description = "the server met an unexpected condition") {
    super("server_error", 500, description);
  }
}
