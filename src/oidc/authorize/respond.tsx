/** @jsxImportSource hono/jsx */
// Sending an authorization response back to the client (RFC 6749 4.1.2, 4.1.2.1), by
// redirect (query) or by a self-submitting form (OAuth 2.0 Form Post Response Mode),
// always with `iss` (RFC 9207).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { pageContext } from "../../ui/page";
import { errorPage, htmlPage } from "../../ui/render";
import { formActionSource } from "../../ui/headers";
import { FormPostPage } from "../../ui/pages/form-post";
import { safeDescription } from "../errors";
import type { ResponseTarget } from "./request";

export async function authorizationResponse(
  c: Context<AppEnv>,
  target: ResponseTarget & { uiLocales?: readonly string[] },
  issuer: string,
  values: Record<string, string>,
): Promise<Response> {
  const fields: Record<string, string> = {
    ...values,
    ...(target.state !== null ? { state: target.state } : {}),
    iss: issuer,
  };
  if (target.responseMode === "form_post") {
    const origin = formActionSource(target.redirectUri);
    const page = await pageContext(c, target.uiLocales);
    return htmlPage(c, <FormPostPage page={page} action={target.redirectUri} fields={fields} />, 200, {
      script: true,
      ...(origin ? { formAction: origin } : {}),
    });
  }
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  // Through the context, so cookies set or cleared earlier in this request are kept.
  c.header("Cache-Control", "no-store");
  return c.redirect(url.toString(), 303);
}

export function authorizationError(
  c: Context<AppEnv>,
  target: ResponseTarget & { uiLocales?: readonly string[] },
  issuer: string,
  error: string,
  description: string,
): Promise<Response> {
  return authorizationResponse(c, target, issuer, { error, error_description: safeDescription(description) });
}

/** For requests that cannot be trusted with a redirect: tell the user instead. */
export function authorizationErrorPage(c: Context<AppEnv>, message: string, status: 400 | 404 | 500 = 400) {
  // The detail is technical, for the app's developers; the frame is in the user's language.
  return errorPage(c, status, "common.requestErrorTitle", "common.requestErrorBody", { detail: message });
}
