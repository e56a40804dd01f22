// The authorization endpoint (GET and POST): read the parameters (or the pushed request
// they point to), validate them, and move the request forward (src/interaction/flow.tsx).
import type { Context } from "hono";
import { issuerFor } from "../../config";
import { openDirectory } from "../../directory";
import { ephemeralStore } from "../../ephemeral";
import type { AppEnv } from "../../env";
import { proceed } from "../../interaction/flow";
import { verifyIdTokenHint } from "../../tokens";
import { readAtMost } from "../token/parameters";
import { PAR_URN_PREFIX, validateAuthorizationRequest, type Parameters } from "./request";
import { authorizationError, authorizationErrorPage } from "./respond";

const MAX_AUTHORIZATION_REQUEST_BYTES = 32 * 1024;
/** Parameters a request may repeat: none (RFC 6749 3.1). */
const TRUSTED_BEFORE_REDIRECT = new Set(["client_id", "redirect_uri"]);

export interface PushedRequest {
  clientId: string;
  parameters: [string, string][];
}

async function readParameters(c: Context<AppEnv>): Promise<URLSearchParams | null> {
  if (c.req.method === "GET") return new URL(c.req.url).searchParams;
  const type = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return null;
  const body = await readAtMost(c.req.raw, MAX_AUTHORIZATION_REQUEST_BYTES);
  return body ? new URLSearchParams(new TextDecoder().decode(body)) : null;
}

function repeated(form: URLSearchParams): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of form.keys()) (seen.has(name) ? twice : seen).add(name);
  return [...twice];
}

export async function authorizationEndpoint(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  const issuer = issuerFor(c.env, tenant.slug);
  const directory = openDirectory(c.env, tenant, c.var.stats);
  let form = await readParameters(c);
  if (!form) return authorizationErrorPage(c, "The authorization request must be sent as a form (or in the URL).");

  let viaPar = false;
  const requestUri = form.get("request_uri");
  if (requestUri?.startsWith(PAR_URN_PREFIX)) {
    const pushed = await ephemeralStore<PushedRequest>(
      c.env,
      tenant.id,
      "par",
      requestUri.slice(PAR_URN_PREFIX.length),
      c.var.stats,
    ).take();
    if (!pushed || pushed.clientId !== form.get("client_id"))
      return authorizationErrorPage(
        c,
        "This authorization request has expired or was already used. Go back to the application and try again.",
      );
    form = new URLSearchParams(pushed.parameters);
    viaPar = true;
  }

  const twice = repeated(form);
  if (twice.some((name) => TRUSTED_BEFORE_REDIRECT.has(name)))
    return authorizationErrorPage(c, `The parameter ${twice[0]} appears more than once.`);
  const get: Parameters = (name) => form.get(name) || undefined;
  const validation = await validateAuthorizationRequest(get, { tenant, directory, viaPar });
  if (validation.kind === "page") return authorizationErrorPage(c, validation.message);
  if (validation.kind === "error")
    return authorizationError(c, validation.target, issuer, validation.error, validation.description);
  const { request, client } = validation;
  if (twice.length)
    return authorizationError(c, request, issuer, "invalid_request", `the parameter '${twice[0]}' is repeated`);

  let hintSubject: string | null = null;
  if (request.idTokenHint) {
    const hint = await verifyIdTokenHint(c.env, c.var.stats, tenant.id, issuer, request.idTokenHint);
    if (!hint)
      return authorizationError(
        c,
        request,
        issuer,
        "invalid_request",
        "id_token_hint is not a valid ID token of this issuer",
      );
    hintSubject = hint.subject;
  }
  return proceed(c, tenant, directory, client, request, null, hintSubject);
}
