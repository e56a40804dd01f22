// Adding a passkey to a signed-in user (the account page, the offer after sign-up): the
// browser's registration response checked against the challenge of this session, the
// credential stored with a name from the browser, and the audit record.
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import type { Context } from "hono";
import { ConflictError, type Directory, type Tenant } from "../../directory";
import type { AppEnv } from "../../env";
import { shortUserAgent } from "../../http/user-agent";
import type { MessageKey, Translator } from "../../i18n";
import { parseCredentialField, passkeyAmr, verifyRegistration } from "./ceremony";

const MAX_NAME = 64;

/** "Passkey on macOS (Safari)": a name from the browser's User-Agent, editable later. */
export function defaultPasskeyName(t: Translator["t"], userAgent: string | null | undefined): string {
  const device = shortUserAgent(userAgent);
  return device ? t("passkeys.defaultName", { device }).slice(0, MAX_NAME) : t("passkeys.sectionTitle");
}

/** Verifies and stores the passkey the form carries; else the message to show. */
export async function addPostedPasskey(
  c: Context<AppEnv>,
  input: {
    tenant: Tenant;
    directory: Directory;
    userId: string;
    sid: string;
    t: Translator["t"];
    credential: string | undefined;
    source: "account" | "sign_up";
  },
): Promise<{ ok: true; amr: string[] } | { ok: false; error: MessageKey }> {
  const { tenant, directory, userId } = input;
  if (!input.credential) return { ok: false, error: "passkeys.noScript" };
  const response = parseCredentialField<RegistrationResponseJSON>(input.credential);
  const verified = response
    ? await verifyRegistration(c.env, tenant, userId, input.sid, response, c.var.stats)
    : ({ ok: false, reason: "malformed" } as const);
  const facts = {
    actorType: "user" as const,
    actorId: userId,
    userId,
    userAgent: c.req.header("User-Agent") ?? null,
  };
  if (!verified.ok) {
    await directory.audit.record({
      ...facts,
      type: "passkey.registration_failed",
      details: { reason: verified.reason, source: input.source },
    });
    return { ok: false, error: "passkeys.registerFailed" };
  }
  try {
    await directory.factors.passkeys.add(
      userId,
      { ...verified.passkey, name: defaultPasskeyName(input.t, c.req.header("User-Agent")) },
      {
        ...facts,
        type: "passkey.registered",
        details: {
          passkey_id: verified.passkey.id,
          device_type: verified.passkey.deviceType,
          backed_up: verified.passkey.backedUp,
          aaguid: verified.passkey.aaguid,
          source: input.source,
        },
      },
    );
  } catch (error) {
    // The credential is registered already (to this user, or in this tenant to another).
    if (!(error instanceof ConflictError) && !/constraint/i.test(String(error))) throw error;
    return { ok: false, error: "passkeys.exists" };
  }
  return { ok: true, amr: passkeyAmr(verified.passkey.deviceType, false) };
}
