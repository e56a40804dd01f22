// What every grant handler receives, and what it gives back to the token endpoint.
import type { Directory, Tenant } from "../../directory";
import type { Env } from "../../env";
import type { RequestStats } from "../../storage/database";
import type { AuthenticatedClient } from "../client-auth";
import type { TokenParameters } from "../token/parameters";

export interface GrantContext {
  env: Env;
  stats: RequestStats;
  tenant: Tenant;
  issuer: string;
  directory: Directory;
  authenticated: AuthenticatedClient;
  params: TokenParameters;
}

export interface GrantResult {
  /** The JSON token response (RFC 6749 5.1). */
  response: { access_token: string; token_type: "Bearer"; expires_in: number; scope: string } & Record<string, unknown>;
  /** What the audit record of the issue says. */
  audit: { userId: string | null; details: Record<string, unknown> };
}
