// Response headers of every hosted page: no framing, no referrer, no scripts unless the
// page asks for its one script, and never cached (pages carry CSRF tokens and personal data).
export interface PageSecurityOptions {
  /** Allow the one static script (the form_post auto-submit). */
  script?: boolean;
  /** Where forms may post, besides this origin (the client's redirect URI for form_post). */
  formAction?: string;
}

/**
 * Chromium applies form-action to the redirects that follow a form submission too, so
 * the 303 back to the app after signing in, consenting or signing out must be allowed:
 * any https address, and loopback http for apps in development. The pages know no more
 * about the app here; a page that does passes `formAction` instead.
 */
const REDIRECTS_AFTER_FORMS = "https: http://localhost:* http://127.0.0.1:* http://[::1]:*";

export function pageHeaders(options: PageSecurityOptions = {}): Record<string, string> {
  const policy = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    options.script ? "script-src 'self'" : "script-src 'none'",
    `form-action 'self' ${options.formAction ?? REDIRECTS_AFTER_FORMS}`,
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
