// The management API as an API resource. It exists in every tenant without being stored:
// the `system` tenant's clients get tokens for it that manage every tenant, any other
// tenant's clients get tokens that manage only their own tenant (checked per route).
import { SYSTEM_TENANT_SLUG } from "../config";
import type { ApiResource } from "../directory";

/** Audience of management tokens: a URN, so it does not change with PUBLIC_BASE_URL. */
export const MANAGEMENT_AUDIENCE = "urn:latchkey:management";
export const MANAGEMENT_TOKEN_TTL = 900;

export const MANAGEMENT_SCOPES = {
  "tenants:read": "Read tenants (system operators only)",
  "tenants:write": "Create, update and delete tenants (system operators only)",
  "users:read": "Read users and their roles",
  "users:write": "Create, update and delete users; assign roles",
  "clients:read": "Read clients (apps)",
  "clients:write": "Create, update and delete clients; rotate their secrets",
  "resources:read": "Read API resources",
  "resources:write": "Create, update and delete API resources",
  "roles:read": "Read roles",
  "roles:write": "Create, update and delete roles",
  "keys:read": "Read signing keys",
  "keys:write": "Rotate signing keys",
  "audit:read": "Read the audit trail",
  "branding:read": "Read the branding and texts of the hosted pages",
  "branding:write": "Change the branding and texts of the hosted pages",
  "attributes:read": "Read custom attribute definitions",
  "attributes:write": "Create, update and delete custom attribute definitions",
} as const;

export type ManagementScope = keyof typeof MANAGEMENT_SCOPES;

const SYSTEM_ONLY: ManagementScope[] = ["tenants:read", "tenants:write"];

export function isManagementScope(scope: string): scope is ManagementScope {
  return Object.hasOwn(MANAGEMENT_SCOPES, scope);
}

/** The management resource as the token endpoint of `tenantSlug` sees it. */
export function managementResourceFor(tenantSlug: string): ApiResource {
  const scopes = (Object.keys(MANAGEMENT_SCOPES) as ManagementScope[])
    .filter((s) => tenantSlug === SYSTEM_TENANT_SLUG || !SYSTEM_ONLY.includes(s))
    .map((value) => ({ value, description: MANAGEMENT_SCOPES[value] }));
  return {
    id: "res_management",
    tenantId: "",
    identifier: MANAGEMENT_AUDIENCE,
    name: "Latchkey management API",
    scopes,
    accessTokenTtl: MANAGEMENT_TOKEN_TTL,
    signingAlg: "ES256",
    createdAt: 0,
    updatedAt: 0,
  };
}
