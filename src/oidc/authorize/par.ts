// Pushed authorization requests (RFC 9126): an authenticated client posts its
// authorization parameters and gets a one-time request_uri (60 seconds) to send the user
// to the authorization endpoint with. Errors are JSON, as at the token endpoint.
import type { Context } from "hono";
import { openDirectory } from "../../directory";
import { ephemeralStore } from "../../ephemeral";
import type { AppEnv } from "../../env";
import { randomToken } from "../../crypto/encoding";
import { authenticateCaller } from "../client-auth";
import { InvalidRequest, OAuthError } from "../errors";
import { readTokenParameters } from "../token/parameters";
import type { PushedRequest } from "./endpoint";
import { PAR_URN_PREFIX, validateAuthorizationRequest } from "./request";

export const PAR_TTL = 60;
/** Credentials stay out of what is stored. */
const NOT_STORED = new Set(["client_secret", "client_assertion", "client_assertion_type"]);

export async function pushedAuthorizationRequestEndpoint(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  // As at the authorization endpoint, no parameter may repeat (not even `resource`).
  const params = await readTokenParameters(c.req.raw, new Set());
  const authenticated = await authenticateCaller(c, params, "par");
  if (params.has("request_uri")) throw new InvalidRequest("request_uri cannot be pushed");
  const get = (name: string) => (name === "client_id" ? authenticated.client.clientId : params.get(name));
  const validation = await validateAuthorizationRequest(get, {
    tenant,
    directory: openDirectory(c.env, tenant, c.var.stats),
    viaPar: true,
  });
  if (validation.kind === "page") throw new InvalidRequest(validation.message);
  if (validation.kind === "error") throw new OAuthError(validation.error, 400, validation.description);

  const id = randomToken(32);
  const parameters: [string, string][] = params.entries().filter(([name]) => !NOT_STORED.has(name));
  if (!parameters.some(([name]) => name === "client_id")) parameters.push(["client_id", authenticated.client.clientId]);
  await ephemeralStore<PushedRequest>(c.env, tenant.id, "par", id, c.var.stats).put(
    { clientId: authenticated.client.clientId, parameters },
    PAR_TTL,
  );
  return c.json({ request_uri: `${PAR_URN_PREFIX}${id}`, expires_in: PAR_TTL }, 201, {
    "Cache-Control": "no-store",
    Pragma: "no-cache",
  });
}
