// Checking a passkey assertion posted by a page of an interaction (sign-in or second
// factor), with its audit records: a failure of any kind is one answer to the browser
// ("that passkey could not be used"), with the precise reason in the audit trail only.
import type { Context } from "hono";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Directory, Passkey, Tenant } from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import type { Interaction } from "../../interaction/state";
import { parseCredentialField, verifyAssertion, type AssertionOutcome } from "./ceremony";

export type PostedAssertion =
  { ok: true; passkey: Passkey; amr: string[]; userVerified: boolean } | { ok: false; reason: "missing" | "invalid" };

/**
 * Verifies the form's `credential` for `interaction`; on success records the use (new
 * counter, backup state). `purpose` names the step in the audit records.
 */
export async function checkPostedAssertion(
  c: Context<AppEnv>,
  tenant: Tenant,
  directory: Directory,
  interaction: Interaction,
  credential: string | undefined,
  purpose: "sign_in" | "second_factor",
): Promise<PostedAssertion> {
  const response = parseCredentialField<AuthenticationResponseJSON>(credential);
  if (!response) return { ok: false, reason: "missing" };
  const outcome: AssertionOutcome = await verifyAssertion(
    c.env,
    tenant,
    interaction.id,
    response,
    (id) => directory.factors.passkeys.byCredentialId(id),
    c.var.stats,
  );
  const facts = requestFacts(c, interaction);
  if (!outcome.ok) {
    const userId = outcome.passkey?.userId ?? null;
    const details = {
      method: "passkey",
      step: purpose,
      reason: outcome.reason,
      passkey_id: outcome.passkey?.id ?? null,
    };
    await Promise.all([
      directory.audit.record({ ...facts, type: "user.sign_in_failed", actorId: userId, userId, details }),
      // A counter that went backwards: the credential may have been cloned.
      outcome.reason === "counter"
        ? directory.audit.record({ ...facts, type: "passkey.counter_regression", actorId: userId, userId, details })
        : Promise.resolve(),
    ]);
    return { ok: false, reason: "invalid" };
  }
  await directory.factors.passkeys.recordUse(outcome.passkey.id, {
    signCount: outcome.newCounter,
    backedUp: outcome.backedUp,
  });
  return { ok: true, passkey: outcome.passkey, amr: outcome.amr, userVerified: outcome.userVerified };
}

/** The audit facts of this request, for records written by the routes. */
export function requestFacts(c: Context<AppEnv>, interaction: Interaction) {
  return {
    actorType: "user" as const,
    clientId: interaction.request.clientId,
    ip: clientIpOf(c.req.raw),
    userAgent: c.req.header("User-Agent") ?? null,
  };
}
