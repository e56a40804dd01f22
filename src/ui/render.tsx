/** @jsxImportSource hono/jsx */
// Answering with a hosted page: the security headers every page sends, and the common
// error page in the request's language.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import type { MessageKey, MessageParams } from "../i18n";
import { pageHeaders, type PageSecurityOptions } from "./headers";
import { pageContext, type PageContext } from "./page";
import { ErrorPage } from "./pages/messages";

type Html = Parameters<Context["html"]>[0];

export function htmlPage(
  c: Context<AppEnv>,
  body: Html,
  status: ContentfulStatusCode = 200,
  options: PageSecurityOptions = {},
): Response | Promise<Response> {
  const formAction = options.formAction ?? c.get("formActionTarget");
  return c.html(body, status, pageHeaders({ ...options, ...(formAction ? { formAction } : {}) }));
}

/** An error page whose title and message come from the catalog. */
export async function errorPage(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  title: MessageKey,
  message: MessageKey,
  params?: MessageParams,
  page?: PageContext,
): Promise<Response> {
  const context = page ?? (await pageContext(c));
  return htmlPage(
    c,
    <ErrorPage page={context} title={context.t(title)} message={context.t(message, params)} />,
    status,
  );
}
