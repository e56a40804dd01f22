// Response headers of every hosted page: no framing, no referrer, no scripts unless the
// page asks for its one script, and never cached (pages carry CSRF tokens and personal data).
export interface PageSecurityOptions {
  /** Allow the one static script (the form_post auto-submit). */
  script?: boolean;
  /** Where forms may post, besides this origin (the client's redirect URI for form_post). */
  formAction?: string;
}

export function pageHeaders(options: PageSecurityOptions = {}): Record<string, string> {
  const policy = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    options.script ? "script-src 'self'" : "script-src 'none'",
    `form-action 'self'${options.formAction ? ` ${options.formAction}` : ""}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": policy,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    Pragma: "no-cache",
  };
}
