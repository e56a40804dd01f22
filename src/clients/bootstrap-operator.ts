// The bootstrap operator: a client of the `system` tenant that exists only in secrets
// (ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET), so a fresh deployment can be administered
// before anything is stored. It may use every management scope.
import { MANAGEMENT_SCOPES } from "../admin/management-resource";
import { SYSTEM_TENANT_ID } from "../config";
import type { Client } from "../directory";
import type { Env } from "../env";

export function bootstrapOperator(env: Env, clientId: string): Client | null {
  if (!env.ADMIN_CLIENT_ID || !env.ADMIN_CLIENT_SECRET || clientId !== env.ADMIN_CLIENT_ID) return null;
  return {
    tenantId: SYSTEM_TENANT_ID,
    clientId: env.ADMIN_CLIENT_ID,
    clientName: "Bootstrap operator",
    applicationType: "web",
    firstParty: true,
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ["client_credentials"],
    responseTypes: [],
    tokenEndpointAuthMethod: "client_secret_basic",
    scope: Object.keys(MANAGEMENT_SCOPES).join(" "),
    jwksUri: null,
    jwks: null,
    idTokenSignedResponseAlg: "ES256",
    logoUri: null,
    clientUri: null,
    policyUri: null,
    tosUri: null,
    contacts: [],
    emailCodeSignIn: null,
    requirePushedAuthorizationRequests: false,
    accessTokenTtl: null,
    idTokenTtl: null,
    refreshTokenTtl: null,
    refreshTokenIdleTtl: null,
    createdAt: 0,
    updatedAt: 0,
  };
}
