// A user's sign-in factors as admins see them (never a secret, a public key or a code
// hash), removing one, and resetting all of them for a customer who lost their devices
// or whose account was taken over. docs/management-mfa.md.
import * as z from "zod/mini";
import { toRfc3339 } from "../../config";
import type { UserRecord } from "../../directory";
import { negotiateLocale } from "../../i18n";
import { sendFactorChangedEmail, type FactorChange } from "../../mfa/mail";
import { riskObject } from "../../mfa/risk";
import { userState } from "../../sessions";
import { notFound } from "../problem";
import { defineRoute, managementAudit, type AdminContext } from "../route";
import { described, nullableTimestamp, timestamp } from "../schemas/common";
import { existingUser, userParams } from "./users";

const passkeySchema = z.object({
  id: described(z.string(), "The WebAuthn credential id (base64url)"),
  name: z.string(),
  created_at: timestamp,
  last_used_at: nullableTimestamp,
  device_type: described(
    z.enum(["singleDevice", "multiDevice"]),
    "multiDevice: a synced passkey (backup eligible); singleDevice: bound to one authenticator",
  ),
  backed_up: described(z.boolean(), "The passkey is currently backed up (synced)"),
  transports: z.array(z.string()),
  aaguid: described(z.nullable(z.string()), "The authenticator model's AAGUID, when it gave one"),
});

const authenticatorAppSchema = z.object({
  id: z.string(),
  name: z.string(),
  confirmed: described(z.boolean(), "false: enrollment was started but no code was entered yet; it is no factor"),
  created_at: timestamp,
  last_used_at: nullableTimestamp,
});

const factorsSchema = z.object({
  passkeys: z.array(passkeySchema),
  authenticator_apps: z.array(authenticatorAppSchema),
  recovery_codes: z.object({
    remaining: described(z.int(), "Unused recovery codes"),
    generated_at: described(nullableTimestamp, "When the current set was generated; null: none"),
  }),
  email: described(
    z.object({ address: z.nullable(z.string()), verified: z.boolean() }),
    "The email address codes are sent to, as a second factor for customers with nothing else",
  ),
});

/** The security notice to the user, in their own language (else the tenant's): never the admin's. */
function tellUser(c: AdminContext, user: Pick<UserRecord, "email" | "locale">, change: FactorChange): Promise<void> {
  const tenant = c.var.target;
  const locale = negotiateLocale(user.locale, null, tenant.defaultLocale);
  return sendFactorChangedEmail(c, tenant, c.var.directory, user, locale, change);
}

export const factorRoutes = [
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/users/{user_id}/factors",
    operationId: "listUserFactors",
    summary: "List a user's sign-in factors",
    description:
      "Passkeys, authenticator apps (never their secret), how many recovery codes are left, and the email address second-factor codes go to.",
    tag: "Users",
    scope: "users:read",
    access: "tenant",
    params: userParams,
    responses: { 200: { description: "The user's factors", schema: factorsSchema } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const { factors } = c.var.directory;
      const [passkeys, apps, codes] = await Promise.all([
        factors.passkeys.list(user.id),
        factors.totp.list(user.id),
        factors.recoveryCodes.status(user.id),
      ]);
      return c.json({
        passkeys: passkeys.map((p) => ({
          id: p.id,
          name: p.name,
          created_at: toRfc3339(p.createdAt)!,
          last_used_at: toRfc3339(p.lastUsedAt),
          device_type: p.deviceType,
          backed_up: p.backedUp,
          transports: p.transports,
          aaguid: p.aaguid,
        })),
        authenticator_apps: apps.map((app) => ({
          id: app.id,
          name: app.name,
          confirmed: app.confirmedAt !== null,
          created_at: toRfc3339(app.createdAt)!,
          last_used_at: toRfc3339(app.lastUsedAt),
        })),
        recovery_codes: { remaining: codes.remaining, generated_at: toRfc3339(codes.generatedAt) },
        email: { address: user.email, verified: user.emailVerified },
      });
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/users/{user_id}/factors/{factor_id}",
    operationId: "removeUserFactor",
    summary: "Remove one of a user's factors",
    description: "Removes a passkey (by credential id) or an authenticator app (by id).",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: z.extend(userParams, { factor_id: z.string().check(z.maxLength(1024)) }),
    responses: { 204: { description: "Removed" } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const { factors } = c.var.directory;
      const [passkeys, apps] = await Promise.all([factors.passkeys.list(user.id), factors.totp.list(user.id)]);
      const passkey = passkeys.find((p) => p.id === params.factor_id);
      const app = apps.find((a) => a.id === params.factor_id);
      const audit = (kind: string, name: string) => ({
        ...managementAudit(c, "factor.removed", { kind, factor_id: params.factor_id, name }),
        userId: user.id,
      });
      const removed = passkey
        ? await factors.passkeys.remove(user.id, passkey.id, audit("passkey", passkey.name))
        : app
          ? await factors.totp.remove(user.id, app.id, audit("authenticator_app", app.name))
          : false;
      if (!removed) throw notFound(`the user has no passkey or authenticator app '${params.factor_id}'`);
      // An authenticator app whose setup was never finished was no sign-in method.
      if (passkey || app?.confirmedAt)
        await tellUser(c, user, passkey ? "adminPasskeyRemoved" : "adminAuthenticatorRemoved");
      return c.body(null, 204);
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/users/{user_id}/factors",
    operationId: "resetUserFactors",
    summary: "Reset a user's factors",
    description:
      "Removes every passkey, authenticator app and recovery code of the user, forgets the devices and places adaptive MFA knew for them, and ends every session and refresh token, so a session that passed a second factor cannot outlive the reset. The user signs in again with their password or an emailed code.",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: userParams,
    responses: { 204: { description: "Reset" } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const { factors } = c.var.directory;
      const before = await factors.summary(user.id);
      await factors.removeAll(user.id, {
        ...managementAudit(c, "factors.reset", {
          passkeys: before.passkeys,
          authenticator_apps: before.totp,
          recovery_codes: before.recoveryCodes,
        }),
        userId: user.id,
      });
      await Promise.all([
        riskObject(c.env, c.var.target.id, user.id, c.var.stats).forgetRisk(),
        userState(c.env, c.var.target.id, user.id, c.var.stats).endEverything(),
      ]);
      if (before.passkeys + before.totp + before.recoveryCodes > 0) await tellUser(c, user, "adminReset");
      return c.body(null, 204);
    },
  }),
];
