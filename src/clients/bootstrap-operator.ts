// The bootstrap operator: a client of the `system` tenant that exists only in secrets
// (ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET), so a fresh deployment can be administered
// before anything is stored. It may use every management scope.
import { MANAGEMENT_SCOPES } from "../admin/management-resource";
import { SYSTEM_TENANT_ID } from "../config";
import type { Client } from "../directory";
import { builtInClient } from "./built-in";
import type { Env } from "../env";

export function bootstrapOperator(env: Env, clientId: string): Client | null {
  if (!env.ADMIN_CLIENT_ID || !env.ADMIN_CLIENT_SECRET || clientId !== env.ADMIN_CLIENT_ID) return null;
  return builtInClient(
    { tenantId: SYSTEM_TENANT_ID, clientId: env.ADMIN_CLIENT_ID, clientName: "Bootstrap operator" },
    {
      grantTypes: ["client_credentials"],
      tokenEndpointAuthMethod: "client_secret_basic",
      scope: Object.keys(MANAGEMENT_SCOPES).join(" "),
    },
  );
}
