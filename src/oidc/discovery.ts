// Discovery metadata (OpenID Connect Discovery 1.0, RFC 8414): exactly what this server
// implements today, no more. It grows with the authorization endpoint (issue #3).

export function endpointsOf(issuer: string) {
  return {
    token: `${issuer}/token`,
    jwks: `${issuer}/jwks`,
  };
}

export function discoveryDocument(issuer: string) {
  const endpoints = endpointsOf(issuer);
  return {
    issuer,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    grant_types_supported: ["client_credentials"],
    // Required by both specs; empty because there is no authorization endpoint yet.
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  };
}
