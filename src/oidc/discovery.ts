// Discovery metadata (OpenID Connect Discovery 1.0, RFC 8414): exactly what this server
// implements, no more.
import { ASSERTION_ALGORITHMS } from "../clients/assertion";
import type { Tenant } from "../directory";
import { SIGNING_ALGS } from "../keys";
import { STANDARD_SCOPES, USER_CLAIMS } from "./claims";
import { ACR_VALUES_SUPPORTED } from "../mfa/levels";
import { promptValuesFor } from "./authorize/request";

export function endpointsOf(issuer: string) {
  return {
    authorization: `${issuer}/authorize`,
    token: `${issuer}/token`,
    userinfo: `${issuer}/userinfo`,
    jwks: `${issuer}/jwks`,
    par: `${issuer}/par`,
    revocation: `${issuer}/revoke`,
    introspection: `${issuer}/introspect`,
    endSession: `${issuer}/logout`,
  };
}

const CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"];

export function discoveryDocument(
  issuer: string,
  tenant: Pick<Tenant, "requirePushedAuthorizationRequests" | "selfSignUpEnabled">,
) {
  const endpoints = endpointsOf(issuer);
  return {
    issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    userinfo_endpoint: endpoints.userinfo,
    jwks_uri: endpoints.jwks,
    pushed_authorization_request_endpoint: endpoints.par,
    require_pushed_authorization_requests: tenant.requirePushedAuthorizationRequests,
    revocation_endpoint: endpoints.revocation,
    introspection_endpoint: endpoints.introspection,
    end_session_endpoint: endpoints.endSession,
    scopes_supported: [...STANDARD_SCOPES],
    response_types_supported: ["code"],
    response_modes_supported: ["query", "form_post"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== "none"),
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    code_challenge_methods_supported: ["S256"],
    prompt_values_supported: promptValuesFor(tenant),
    claims_supported: [
      ...USER_CLAIMS,
      ...["iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", "at_hash"],
    ],
    claim_types_supported: ["normal"],
    claims_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    acr_values_supported: ACR_VALUES_SUPPORTED,
    ui_locales_supported: ["en"],
  };
}
