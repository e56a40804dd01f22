// Clients that exist only in code (the bootstrap operator, the account page): a `Client`
// with every field at its plainest, so each names only what makes it itself, and a field
// added to clients later gets a value here once.
import type { Client } from "../directory";

type Identity = Pick<Client, "tenantId" | "clientId" | "clientName">;

export function builtInClient(identity: Identity, own: Partial<Client> = {}): Client {
  return {
    applicationType: "web",
    firstParty: true,
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: [],
    responseTypes: [],
    tokenEndpointAuthMethod: "none",
    scope: "",
    jwksUri: null,
    jwks: null,
    idTokenSignedResponseAlg: "ES256",
    logoUri: null,
    clientUri: null,
    policyUri: null,
    tosUri: null,
    contacts: [],
    emailCodeSignIn: null,
    mfaPolicy: null,
    requirePushedAuthorizationRequests: false,
    accessTokenTtl: null,
    idTokenTtl: null,
    refreshTokenTtl: null,
    refreshTokenIdleTtl: null,
    createdAt: 0,
    updatedAt: 0,
    ...identity,
    ...own,
  };
}
