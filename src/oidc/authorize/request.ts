// Validating an authorization request (RFC 6749 4.1.1, OIDC Core 3.1.2.1, RFC 7636,
// RFC 8707, RFC 9126). Until client_id and redirect_uri are known good, errors are shown
// to the user and never redirected (RFC 6749 4.1.2.1); after that, they go back to the
// client's redirect_uri.
import type { ApiResource, Client, Directory, Tenant } from "../../directory";
import { parseClaimsParameter, STANDARD_SCOPES, type RequestedClaims } from "../claims";
import { isAbsoluteUriWithoutFragment } from "../resources";
import { isScopeToken } from "../scopes";

export type ResponseMode = "query" | "form_post";
export const PROMPTS = ["none", "login", "consent", "select_account"] as const;
/** Initiating User Registration via OpenID Connect 1.0: straight to the sign-up page. */
export const CREATE_PROMPT = "create";
export type Prompt = (typeof PROMPTS)[number] | typeof CREATE_PROMPT;

/** The prompt values a tenant accepts: `create` only where customers may sign up themselves. */
export function promptValuesFor(tenant: Pick<Tenant, "selfSignUpEnabled">): Prompt[] {
  return tenant.selfSignUpEnabled ? [...PROMPTS, CREATE_PROMPT] : [...PROMPTS];
}
export const PAR_URN_PREFIX = "urn:ietf:params:oauth:request_uri:";

/** Where an authorization response goes once the redirect_uri is trusted. */
export interface ResponseTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | null;
}

export interface AuthorizationRequest extends ResponseTarget {
  /** Whether redirect_uri was in the request (RFC 6749 4.1.3 then wants it at the token endpoint). */
  redirectUriGiven: boolean;
  clientId: string;
  scopes: string[];
  nonce: string | null;
  prompt: Prompt[];
  maxAge: number | null;
  loginHint: string | null;
  idTokenHint: string | null;
  uiLocales: string[];
  acrValues: string[];
  resource: string | null;
  codeChallenge: string | null;
  claims: RequestedClaims | null;
}

export type Validation =
  | { kind: "page"; message: string }
  | { kind: "error"; target: ResponseTarget; error: string; description: string }
  | { kind: "ok"; request: AuthorizationRequest; client: Client };

/** Request parameters, with empty values treated as absent (RFC 6749 3.1). */
export type Parameters = (name: string) => string | undefined;

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_LENGTH = { state: 2048, nonce: 512, login_hint: 254, id_token_hint: 8192, claims: 4096 };

function list(value: string | undefined): string[] {
  return value ? [...new Set(value.split(" ").filter(Boolean))] : [];
}

export async function validateAuthorizationRequest(
  get: Parameters,
  context: { tenant: Tenant; directory: Directory; viaPar: boolean },
): Promise<Validation> {
  const clientId = get("client_id");
  if (!clientId)
    return { kind: "page", message: "The request does not say which application is asking (client_id is missing)." };
  const client = await context.directory.clients.get(clientId);
  if (!client) return { kind: "page", message: "The application that sent you here is not known to this service." };

  const scopeParameter = get("scope");
  const scopes = list(scopeParameter);
  const openid = scopes.includes("openid");
  let redirectUri = get("redirect_uri");
  const redirectUriGiven = redirectUri !== undefined;
  if (redirectUri === undefined) {
    // OAuth lets a client with a single registered URI leave it out; OpenID Connect does not.
    if (openid || client.redirectUris.length !== 1)
      return { kind: "page", message: "The request does not say where to send you back (redirect_uri is missing)." };
    redirectUri = client.redirectUris[0]!;
  } else if (!client.redirectUris.includes(redirectUri)) {
    return {
      kind: "page",
      message: "The address this request would send you back to is not registered for the application.",
    };
  }

  const responseModeParameter = get("response_mode");
  const responseMode: ResponseMode = responseModeParameter === "form_post" ? "form_post" : "query";
  const state = get("state") ?? null;
  const target: ResponseTarget = { redirectUri, responseMode, state };
  const fail = (error: string, description: string): Validation => ({ kind: "error", target, error, description });

  if (state !== null && state.length > MAX_LENGTH.state) return fail("invalid_request", "state is too long");
  if (responseModeParameter !== undefined && responseModeParameter !== "query" && responseModeParameter !== "form_post")
    return fail("invalid_request", `response_mode '${responseModeParameter}' is not supported; use query or form_post`);
  if (get("request") !== undefined) return fail("request_not_supported", "request objects are not supported");
  const requestUri = get("request_uri");
  if (requestUri !== undefined && !context.viaPar)
    return fail("request_uri_not_supported", "request_uri is only accepted for pushed authorization requests");

  const responseType = get("response_type");
  if (!responseType) return fail("invalid_request", "response_type is required");
  if (responseType !== "code") return fail("unsupported_response_type", "only response_type=code is supported");
  if (!client.grantTypes.includes("authorization_code") || !client.responseTypes.includes("code"))
    return fail("unauthorized_client", "this client is not registered for the authorization code flow");
  if (
    !context.viaPar &&
    (client.requirePushedAuthorizationRequests || context.tenant.requirePushedAuthorizationRequests)
  )
    return fail("invalid_request", "authorization requests must be pushed first (RFC 9126)");

  // Scopes: OpenID scopes, and scopes the client may have on the requested API.
  for (const scope of scopes)
    if (!isScopeToken(scope)) return fail("invalid_scope", `'${scope}' is not a valid scope value`);
  const resourceParameters = get("resource");
  let resource: ApiResource | null = null;
  if (resourceParameters !== undefined) {
    if (!isAbsoluteUriWithoutFragment(resourceParameters))
      return fail("invalid_target", "resource must be an absolute URI without a fragment");
    resource = (await context.directory.resources.all()).find((r) => r.identifier === resourceParameters) ?? null;
    if (!resource) return fail("invalid_target", "the resource is not an API of this tenant");
  } else if (context.tenant.defaultResource) {
    resource =
      (await context.directory.resources.all()).find((r) => r.identifier === context.tenant.defaultResource) ?? null;
  }
  const clientScopes = new Set(client.scope.split(" ").filter(Boolean));
  const apiScopes = new Set(resource?.scopes.map((s) => s.value).filter((s) => clientScopes.has(s)) ?? []);
  const unknown = scopes.filter((s) => !(STANDARD_SCOPES as readonly string[]).includes(s) && !apiScopes.has(s));
  if (unknown.length) return fail("invalid_scope", `not allowed for this client: ${unknown.join(" ")}`);
  if (scopes.length === 0) return fail("invalid_scope", "scope is required");
  // offline_access means a refresh token: meaningless for a client that cannot refresh.
  const granted = client.grantTypes.includes("refresh_token") ? scopes : scopes.filter((s) => s !== "offline_access");

  const codeChallenge = get("code_challenge") ?? null;
  const method = get("code_challenge_method");
  if (codeChallenge !== null) {
    if (method !== "S256") return fail("invalid_request", "code_challenge_method must be S256");
    if (!CODE_CHALLENGE.test(codeChallenge))
      return fail("invalid_request", "code_challenge must be 43 base64url characters");
  } else if (method !== undefined) {
    return fail("invalid_request", "code_challenge_method was sent without code_challenge");
  } else if (client.tokenEndpointAuthMethod === "none") {
    return fail("invalid_request", "public clients must use PKCE (code_challenge with S256)");
  }

  const prompt = list(get("prompt"));
  const accepted: readonly string[] = promptValuesFor(context.tenant);
  const unknownPrompt = prompt.find((p) => !accepted.includes(p));
  if (unknownPrompt) return fail("invalid_request", `prompt '${unknownPrompt}' is not supported`);
  if (prompt.includes("none") && prompt.length > 1)
    return fail("invalid_request", "prompt=none cannot be combined with other values");

  const maxAgeParameter = get("max_age");
  let maxAge: number | null = null;
  if (maxAgeParameter !== undefined) {
    if (!/^\d{1,9}$/.test(maxAgeParameter)) return fail("invalid_request", "max_age must be a non-negative integer");
    maxAge = Number(maxAgeParameter);
  }

  const nonce = get("nonce") ?? null;
  if (nonce !== null && nonce.length > MAX_LENGTH.nonce) return fail("invalid_request", "nonce is too long");
  const loginHint = get("login_hint") ?? null;
  if (loginHint !== null && loginHint.length > MAX_LENGTH.login_hint)
    return fail("invalid_request", "login_hint is too long");
  const idTokenHint = get("id_token_hint") ?? null;
  if (idTokenHint !== null && idTokenHint.length > MAX_LENGTH.id_token_hint)
    return fail("invalid_request", "id_token_hint is too long");
  const claimsParameter = get("claims");
  if (claimsParameter !== undefined && claimsParameter.length > MAX_LENGTH.claims)
    return fail("invalid_request", "claims is too long");
  const claims = parseClaimsParameter(claimsParameter);
  if (claims && "error" in claims) return fail("invalid_request", claims.error);

  return {
    kind: "ok",
    client,
    request: {
      ...target,
      redirectUriGiven,
      clientId: client.clientId,
      scopes: granted,
      nonce,
      prompt: prompt as Prompt[],
      maxAge,
      loginHint,
      idTokenHint,
      uiLocales: list(get("ui_locales")),
      acrValues: list(get("acr_values")),
      resource: resource?.identifier ?? null,
      codeChallenge,
      claims,
    },
  };
}
