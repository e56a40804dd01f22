// Response headers of every hosted page: no framing, no referrer, no scripts unless the
// page asks for its one script, and never cached (pages carry CSRF tokens and personal data).
export interface PageSecurityOptions {
  /** Allow the one static script (the form_post auto-submit). */
  script?: boolean;
  /** Where forms may post, besides this origin (the client's redirect URI for form_post). */
  formAction?: string;
}

/**
 * The CSP source for a redirect URI: its origin, or for a native app's private-use scheme
 * (which has no origin) the scheme. Chromium applies form-action to the redirects that
 * follow a form submission too, so a sign-in form must allow the app it ends up at.
 */
export function formActionSource(redirectUri: string): string | undefined {
  if (!URL.canParse(redirectUri)) return undefined;
  const url = new URL(redirectUri);
  return url.origin === "null" ? url.protocol : url.origin;
}

export function pageHeaders(options: PageSecurityOptions = {}): Record<string, string> {
  const policy = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    options.script ? "script-src 'self'" : "script-src 'none'",
    // The passkey script asks this origin for WebAuthn options (fetch).
    ...(options.script ? ["connect-src 'self'"] : []),
    options.formAction ? `form-action 'self' ${options.formAction}` : "form-action 'self'",
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
