// Clients in the management API, named as RFC 7591 client metadata.
import { z } from "zod";
import {
  AUTH_METHODS,
  CLIENT_ID_PATTERN,
  clientMetadataViolations,
  GRANT_TYPES,
  RESPONSE_TYPES,
  webUrlProblem,
  type ClientRuleInput,
} from "../../clients/metadata";
import { toRfc3339 } from "../../config";
import type { Client, ClientMetadata, ClientSecretRecord } from "../../directory";
import { isScopeToken } from "../../oidc/scopes";
import { nullableTimestamp, timestamp, tokenTtlSchema } from "./common";

const webUrl = z.string().superRefine((value, ctx) => {
  const problem = webUrlProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const uniqueStrings = (item: z.ZodString, max: number) =>
  z
    .array(item)
    .max(max, `at most ${max} entries`)
    .transform((values) => [...new Set(values)]);

const metadataFields = {
  client_name: z.string().trim().min(1, "must not be empty").max(200).nullable(),
  application_type: z.enum(["web", "native"]).describe("native enables private-use redirect URI schemes (RFC 8252)"),
  first_party: z.boolean().describe("First-party apps belong to the tenant and skip the consent page"),
  redirect_uris: uniqueStrings(z.string(), 50).describe("Matched exactly; https, loopback http, or native app schemes"),
  post_logout_redirect_uris: uniqueStrings(z.string(), 50),
  grant_types: z
    .array(z.enum(GRANT_TYPES, "must be authorization_code, refresh_token or client_credentials"))
    .min(1, "list at least one grant type")
    .transform((values) => [...new Set(values)]),
  response_types: z.array(z.enum(RESPONSE_TYPES, "only 'code' is supported")).transform((v) => [...new Set(v)]),
  token_endpoint_auth_method: z.enum(AUTH_METHODS, `must be one of ${AUTH_METHODS.join(", ")}`),
  scope: z
    .string()
    .max(2000)
    .refine((s) => s.split(" ").every((token) => token === "" || isScopeToken(token)), "must be space-separated scope values")
    .describe("Space-separated scopes the client may request"),
  jwks_uri: webUrl.nullable(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(20) }).nullable(),
  id_token_signed_response_alg: z.enum(["ES256", "RS256"]),
  logo_uri: webUrl.nullable(),
  client_uri: webUrl.nullable(),
  policy_uri: webUrl.nullable(),
  tos_uri: webUrl.nullable(),
  contacts: z.array(z.email("must be email addresses")).max(10),
  require_pushed_authorization_requests: z.boolean(),
  access_token_ttl: tokenTtlSchema.nullable().describe("Overrides the API resource's and the tenant's token lifetime"),
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
};

const fullMetadataSchema = z.object(metadataFields);
export type ClientApiMetadata = z.infer<typeof fullMetadataSchema>;

export const clientCreateSchema = z
  .object({
    client_id: z
      .string()
      .regex(CLIENT_ID_PATTERN, "must be 3 to 128 letters, digits or . _ ~ -")
      .optional()
      .describe("Chosen client_id; generated when omitted"),
    ...metadataFields,
  })
  .partial()
  .strict();

export const clientUpdateSchema = z.object(metadataFields).partial().strict();

/** The cross-field rules, run on the complete metadata a create or update would store. */
export const completeClientSchema = fullMetadataSchema.superRefine((client, ctx) => {
  for (const violation of clientMetadataViolations(client)) {
    ctx.addIssue({ code: "custom", path: violation.path, message: violation.message });
  }
});

export const clientSchema = z.object({
  client_id: z.string(),
  client_name: z.string().nullable(),
  application_type: z.enum(["web", "native"]),
  first_party: z.boolean(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  grant_types: z.array(z.enum(GRANT_TYPES)),
  response_types: z.array(z.enum(RESPONSE_TYPES)),
  token_endpoint_auth_method: z.enum(AUTH_METHODS),
  scope: z.string(),
  jwks_uri: z.string().nullable(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).nullable(),
  id_token_signed_response_alg: z.enum(["ES256", "RS256"]),
  logo_uri: z.string().nullable(),
  client_uri: z.string().nullable(),
  policy_uri: z.string().nullable(),
  tos_uri: z.string().nullable(),
  contacts: z.array(z.string()),
  require_pushed_authorization_requests: z.boolean(),
  access_token_ttl: z.number().int().nullable(),
  client_id_issued_at: z.number().int().describe("RFC 7591: seconds since the epoch"),
  created_at: timestamp,
  updated_at: timestamp,
});

export const clientWithSecretSchema = clientSchema.extend({
  client_secret: z.string().optional().describe("Shown once; store it now"),
  client_secret_expires_at: z.number().int().optional().describe("0: the secret does not expire"),
});

export const secretSchema = z.object({
  id: z.string(),
  hint: z.string().describe("Last four characters of the secret"),
  created_at: timestamp,
  expires_at: nullableTimestamp.describe("When a rotation scheduled this secret to stop working"),
});

export const newSecretSchema = secretSchema.extend({
  client_secret: z.string().describe("Shown once; store it now"),
});

export const rotateSecretSchema = z
  .object({
    previous_secret_expires_in: z
      .number()
      .int()
      .min(0, "must be 0 (immediately) or more seconds")
      .max(30 * 86400, "must be at most 30 days")
      .default(86400)
      .describe("How long the secrets in use keep working; 0 revokes them at once"),
  })
  .strict();

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
