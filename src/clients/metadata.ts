// Rules for client metadata (RFC 7591, RFC 8252, RFC 9700) as pure functions: which
// redirect URIs are acceptable, and which combinations of grant types, response types
// and authentication methods make sense.

export const GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"] as const;
export const RESPONSE_TYPES = ["code"] as const;
export const AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"] as const;
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._~-]{3,128}$/;
/**
 * client_ids a tenant may not choose: the prefixes of our own record ids. A client's
 * tokens have its client_id as `sub`, which must never read as a user's id (RFC 9068 5).
 */
export const RESERVED_CLIENT_ID = /^(usr|ten|sec|res|rol|evt|cli)_/i;

export type GrantType = (typeof GRANT_TYPES)[number];
export type AuthMethod = (typeof AUTH_METHODS)[number];
export type ApplicationType = "web" | "native";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/**
 * Why a redirect URI is refused, or null. Exact matching (RFC 9700 2.1) makes wildcards
 * meaningless and fragments are forbidden by RFC 6749 3.1.2. Plain http is only for
 * loopback; private-use schemes only for native apps, as reverse domain names (RFC 8252 7.1).
 */
export function redirectUriProblem(uri: string, applicationType: ApplicationType): string | null {
  if (uri.length > 2048) return "must be at most 2048 characters";
  if (uri.includes("#")) return "must not contain a fragment (#)";
  if (uri.includes("*")) return "must not contain wildcards: redirect URIs are matched exactly";
  if (/\s/.test(uri)) return "must not contain whitespace";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "must be an absolute URI";
  }
  if (url.username || url.password) return "must not contain user credentials";
  const scheme = url.protocol.slice(0, -1);
  if (scheme === "https") return url.hostname ? null : "must name a host";
  if (scheme === "http")
    return isLoopbackHost(url.hostname) ? null : "must use https (http is allowed for loopback addresses only)";
  if (applicationType === "native" && scheme.includes(".")) return null;
  return applicationType === "native"
    ? "must use https, loopback http, or a private-use scheme that is a reverse domain name (com.example.app:/callback)"
    : "must use https (http is allowed for loopback addresses only)";
}

/** Web URLs shown to users or fetched by us (logo, policy, jwks_uri): https, or loopback http. */
export function webUrlProblem(uri: string): string | null {
  if (uri.length > 2048) return "must be at most 2048 characters";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "must be an absolute URL";
  }
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return null;
  return "must use https";
}

export interface ClientRuleInput {
  application_type: ApplicationType;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: GrantType[];
  response_types: string[];
  token_endpoint_auth_method: AuthMethod;
  jwks_uri: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
}

export interface RuleViolation {
  path: (string | number)[];
  message: string;
}

/** Every inconsistency in a complete set of client metadata. */
export function clientMetadataViolations(client: ClientRuleInput): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const add = (path: (string | number)[], message: string) => violations.push({ path, message });
  const grants = new Set(client.grant_types);

  client.redirect_uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, client.application_type);
    if (problem) add(["redirect_uris", i], problem);
  });
  client.post_logout_redirect_uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, client.application_type);
    if (problem) add(["post_logout_redirect_uris", i], problem);
  });

  const codeFlow = grants.has("authorization_code");
  const codeResponse = client.response_types.includes("code");
  if (codeFlow && !codeResponse)
    add(["response_types"], "must include 'code' when grant_types includes 'authorization_code'");
  if (codeResponse && !codeFlow)
    add(["grant_types"], "must include 'authorization_code' when response_types includes 'code'");
  if (codeFlow && client.redirect_uris.length === 0)
    add(["redirect_uris"], "at least one redirect URI is required for the authorization_code grant");
  if (grants.has("refresh_token") && !codeFlow)
    add(["grant_types"], "'refresh_token' is only issued with the 'authorization_code' grant");
  if (client.token_endpoint_auth_method === "none" && grants.has("client_credentials"))
    add(["grant_types"], "public clients (token_endpoint_auth_method 'none') cannot use 'client_credentials'");

  if (client.token_endpoint_auth_method === "private_key_jwt" && !client.jwks && !client.jwks_uri)
    add(["jwks_uri"], "private_key_jwt needs the client's public keys in 'jwks' or 'jwks_uri'");
  if (client.jwks && client.jwks_uri) add(["jwks"], "give either 'jwks' or 'jwks_uri', not both");
  client.jwks?.keys.forEach((key, i) => {
    if (typeof key.kty !== "string") add(["jwks", "keys", i, "kty"], "every key needs a 'kty'");
    for (const privateMember of ["d", "p", "q", "dp", "dq", "qi", "k"])
      if (privateMember in key) add(["jwks", "keys", i, privateMember], "must contain public keys only");
  });
  return violations;
}
