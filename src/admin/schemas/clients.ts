// Clients in the management API, named as RFC 7591 client metadata.
import {
  AUTH_METHODS,
  CLIENT_ID_PATTERN,
  RESERVED_CLIENT_ID,
  clientMetadataViolations,
  GRANT_TYPES,
  RESPONSE_TYPES,
  webUrlProblem,
  type ClientRuleInput,
  type GrantType,
} from "../../clients/metadata";
import { toRfc3339 } from "../../config";
import type { Client, ClientMetadata, ClientSecretRecord } from "../../directory";
import { isScopeToken } from "../../oidc/scopes";
import { described, nullableTimestamp, text, timestamp, tokenTtlSchema } from "./common";
import * as z from "zod/mini";
import { ACCOUNT_CLIENT_ID } from "../../account/client";
import { MFA_POLICIES } from "../../storage/schema";

const webUrl = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = webUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  }),
);

const uniqueStrings = (max: number) =>
  z.pipe(
    z.array(z.string()).check(z.maxLength(max, `at most ${max} entries`)),
    z.transform((values: string[]) => [...new Set(values)]),
  );

const refreshLifetime = z
  .int("must be a whole number of seconds")
  .check(z.minimum(300, "must be at least 300 seconds"), z.maximum(31_536_000, "must be at most a year"));

const metadataShape = {
  client_name: z.nullable(text(200)),
  application_type: described(
    z.enum(["web", "native"], "must be web or native"),
    "native enables private-use redirect URI schemes (RFC 8252)",
  ),
  first_party: described(z.boolean(), "First-party apps belong to the tenant and skip the consent page"),
  redirect_uris: described(uniqueStrings(50), "Matched exactly; https, loopback http, or native app schemes"),
  post_logout_redirect_uris: uniqueStrings(50),
  grant_types: z.pipe(
    z
      .array(z.enum(GRANT_TYPES, "must be authorization_code, refresh_token or client_credentials"))
      .check(z.minLength(1, "list at least one grant type")),
    z.transform((values: GrantType[]) => [...new Set(values)]),
  ),
  response_types: z.pipe(
    z.array(z.enum(RESPONSE_TYPES, "only 'code' is supported")),
    z.transform((values: "code"[]) => [...new Set(values)]),
  ),
  token_endpoint_auth_method: z.enum(AUTH_METHODS, `must be one of ${AUTH_METHODS.join(", ")}`),
  scope: described(
    z.string().check(
      z.maxLength(2000),
      z.refine(
        (s) => s.split(" ").every((token) => token === "" || isScopeToken(token)),
        "must be space-separated scope values",
      ),
    ),
    "Space-separated scopes the client may request",
  ),
  jwks_uri: z.nullable(webUrl),
  jwks: z.nullable(z.object({ keys: z.array(z.record(z.string(), z.unknown())).check(z.maxLength(20)) })),
  id_token_signed_response_alg: z.enum(["ES256", "RS256"], "must be ES256 or RS256"),
  logo_uri: z.nullable(webUrl),
  client_uri: z.nullable(webUrl),
  policy_uri: z.nullable(webUrl),
  tos_uri: z.nullable(webUrl),
  contacts: z.array(z.email("must be email addresses")).check(z.maxLength(10)),
  require_pushed_authorization_requests: z.boolean(),
  access_token_ttl: described(
    z.nullable(tokenTtlSchema),
    "Overrides the API resource's and the tenant's token lifetime",
  ),
  id_token_ttl: described(z.nullable(tokenTtlSchema), "Overrides the tenant's ID token lifetime"),
  refresh_token_ttl: described(z.nullable(refreshLifetime), "Overrides the tenant's absolute refresh token lifetime"),
  refresh_token_idle_ttl: described(z.nullable(refreshLifetime), "Overrides the tenant's refresh token idle lifetime"),
  email_code_sign_in: described(
    z.nullable(z.boolean()),
    "Offer sign-in with a code sent by email in this app; null follows the tenant's email_code_sign_in",
  ),
  mfa_policy: described(
    z.nullable(z.enum(MFA_POLICIES)),
    "When sign-in to this app asks for a second factor (off, optional, required, adaptive); null follows the tenant's mfa_policy",
  ),
};

/** Defaults from RFC 7591 section 2 where it has them. */
export const CLIENT_DEFAULTS: ClientRuleInput & Omit<ClientApiMetadata, keyof ClientRuleInput> = {
  client_name: null,
  application_type: "web",
  first_party: false,
  redirect_uris: [],
  post_logout_redirect_uris: [],
  grant_types: ["authorization_code"],
  response_types: ["code"],
  token_endpoint_auth_method: "client_secret_basic",
  scope: "",
  jwks_uri: null,
  jwks: null,
  id_token_signed_response_alg: "ES256",
  logo_uri: null,
  client_uri: null,
  policy_uri: null,
  tos_uri: null,
  contacts: [],
  require_pushed_authorization_requests: false,
  access_token_ttl: null,
  id_token_ttl: null,
  refresh_token_ttl: null,
  refresh_token_idle_ttl: null,
  email_code_sign_in: null,
  mfa_policy: null,
};

const fullMetadataSchema = z.object(metadataShape);
export type ClientApiMetadata = z.infer<typeof fullMetadataSchema>;

export const clientCreateSchema = z.partial(
  z.strictObject({
    client_id: described(
      z.string().check(
        z.regex(CLIENT_ID_PATTERN, "must be 3 to 128 letters, digits or . _ ~ -"),
        z.refine(
          (id) => !RESERVED_CLIENT_ID.test(id),
          "must not start with a prefix Latchkey uses for its ids (usr_, ten_, ...)",
        ),
        // The account page's built-in client (src/account/client.ts) has this id in every tenant.
        z.refine(
          (id) => id.toLowerCase() !== ACCOUNT_CLIENT_ID,
          `'${ACCOUNT_CLIENT_ID}' is reserved for the account page`,
        ),
      ),
      "Chosen client_id; generated when omitted",
    ),
    ...metadataShape,
  }),
);

export const clientUpdateSchema = z.partial(z.strictObject(metadataShape));

/** The cross-field rules, run on the complete metadata a create or update would store. */
export const completeClientSchema = fullMetadataSchema.check(
  z.superRefine((client, ctx) => {
    for (const violation of clientMetadataViolations(client)) {
      ctx.addIssue({ code: "custom", path: violation.path, message: violation.message, input: client });
    }
  }),
);

export const clientSchema = z.object({
  client_id: z.string(),
  client_name: z.nullable(z.string()),
  application_type: z.enum(["web", "native"]),
  first_party: z.boolean(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  grant_types: z.array(z.enum(GRANT_TYPES)),
  response_types: z.array(z.enum(RESPONSE_TYPES)),
  token_endpoint_auth_method: z.enum(AUTH_METHODS),
  scope: z.string(),
  jwks_uri: z.nullable(z.string()),
  jwks: z.nullable(z.object({ keys: z.array(z.record(z.string(), z.unknown())) })),
  id_token_signed_response_alg: z.enum(["ES256", "RS256"]),
  logo_uri: z.nullable(z.string()),
  client_uri: z.nullable(z.string()),
  policy_uri: z.nullable(z.string()),
  tos_uri: z.nullable(z.string()),
  contacts: z.array(z.string()),
  require_pushed_authorization_requests: z.boolean(),
  access_token_ttl: z.nullable(z.int()),
  id_token_ttl: z.nullable(z.int()),
  refresh_token_ttl: z.nullable(z.int()),
  refresh_token_idle_ttl: z.nullable(z.int()),
  email_code_sign_in: z.nullable(z.boolean()),
  mfa_policy: z.nullable(z.enum(MFA_POLICIES)),
  client_id_issued_at: described(z.int(), "RFC 7591: seconds since the epoch"),
  created_at: timestamp,
  updated_at: timestamp,
});

export const clientWithSecretSchema = z.extend(clientSchema, {
  client_secret: z.optional(described(z.string(), "Shown once; store it now")),
  client_secret_expires_at: z.optional(described(z.int(), "0: the secret does not expire")),
});

export const secretSchema = z.object({
  id: z.string(),
  hint: described(z.string(), "Last four characters of the secret"),
  created_at: timestamp,
  expires_at: described(nullableTimestamp, "When a rotation scheduled this secret to stop working"),
});

export const newSecretSchema = z.extend(secretSchema, {
  client_secret: described(z.string(), "Shown once; store it now"),
});

export const rotateSecretSchema = z.strictObject({
  previous_secret_expires_in: z._default(
    described(
      z
        .int("must be a whole number of seconds")
        .check(
          z.minimum(0, "must be 0 (immediately) or more seconds"),
          z.maximum(30 * 86400, "must be at most 30 days"),
        ),
      "How long the secrets in use keep working; 0 revokes them at once",
    ),
    86400,
  ),
});

export function presentClient(client: Client): z.infer<typeof clientSchema> {
  return {
    client_id: client.clientId,
    ...toApiMetadata(client),
    client_id_issued_at: client.createdAt,
    created_at: toRfc3339(client.createdAt)!,
    updated_at: toRfc3339(client.updatedAt)!,
  };
}

export function toApiMetadata(client: Client): ClientApiMetadata {
  return {
    client_name: client.clientName,
    application_type: client.applicationType,
    first_party: client.firstParty,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: client.grantTypes as ClientApiMetadata["grant_types"],
    response_types: client.responseTypes as ClientApiMetadata["response_types"],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod as ClientApiMetadata["token_endpoint_auth_method"],
    scope: client.scope,
    jwks_uri: client.jwksUri,
    jwks: client.jwks,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg as ClientApiMetadata["id_token_signed_response_alg"],
    logo_uri: client.logoUri,
    client_uri: client.clientUri,
    policy_uri: client.policyUri,
    tos_uri: client.tosUri,
    contacts: client.contacts,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    access_token_ttl: client.accessTokenTtl,
    id_token_ttl: client.idTokenTtl,
    refresh_token_ttl: client.refreshTokenTtl,
    refresh_token_idle_ttl: client.refreshTokenIdleTtl,
    email_code_sign_in: client.emailCodeSignIn,
    mfa_policy: client.mfaPolicy,
  };
}

export function fromApiMetadata(clientId: string, meta: ClientApiMetadata): ClientMetadata {
  return {
    clientId,
    clientName: meta.client_name,
    applicationType: meta.application_type,
    firstParty: meta.first_party,
    redirectUris: meta.redirect_uris,
    postLogoutRedirectUris: meta.post_logout_redirect_uris,
    grantTypes: meta.grant_types,
    responseTypes: meta.response_types,
    tokenEndpointAuthMethod: meta.token_endpoint_auth_method,
    scope: meta.scope.split(" ").filter(Boolean).join(" "),
    jwksUri: meta.jwks_uri,
    jwks: meta.jwks,
    idTokenSignedResponseAlg: meta.id_token_signed_response_alg,
    logoUri: meta.logo_uri,
    clientUri: meta.client_uri,
    policyUri: meta.policy_uri,
    tosUri: meta.tos_uri,
    contacts: meta.contacts,
    requirePushedAuthorizationRequests: meta.require_pushed_authorization_requests,
    accessTokenTtl: meta.access_token_ttl,
    idTokenTtl: meta.id_token_ttl,
    refreshTokenTtl: meta.refresh_token_ttl,
    refreshTokenIdleTtl: meta.refresh_token_idle_ttl,
    emailCodeSignIn: meta.email_code_sign_in,
    mfaPolicy: meta.mfa_policy,
  };
}

export function presentSecret(secret: ClientSecretRecord): z.infer<typeof secretSchema> {
  return {
    id: secret.id,
    hint: secret.hint,
    created_at: toRfc3339(secret.createdAt)!,
    expires_at: toRfc3339(secret.expiresAt),
  };
}
