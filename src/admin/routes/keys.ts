// Signing keys of a tenant: list them, rotate them now.
import * as z from "zod/mini";
import { toRfc3339 } from "../../config";
import { SIGNING_ALGS, rotateSigningKeys } from "../../keys";
import type { SigningKeyRecord } from "../../directory";
import type { SigningAlg } from "../../storage/schema";
import { defineRoute } from "../route";
import { described, nullableTimestamp, timestamp } from "../schemas/common";

const keySchema = z.object({
  kid: z.string(),
  alg: z.enum(["ES256", "RS256"]),
  status: described(
    z.enum(["next", "current", "retired"]),
    "next: published, not yet signing; current: signing; retired: published until its tokens expire",
  ),
  created_at: timestamp,
  activated_at: nullableTimestamp,
  retired_at: nullableTimestamp,
  expires_at: described(nullableTimestamp, "When a retired key leaves the JWKS"),
  public_jwk: z.record(z.string(), z.unknown()),
});

const keyListSchema = z.object({ data: z.array(keySchema) });

function presentKey(key: SigningKeyRecord): z.infer<typeof keySchema> {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    created_at: toRfc3339(key.createdAt)!,
    activated_at: toRfc3339(key.activatedAt),
    retired_at: toRfc3339(key.retiredAt),
    expires_at: toRfc3339(key.expiresAt),
    public_jwk: key.publicJwk as unknown as Record<string, unknown>,
  };
}

export const keyRoutes = [
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/keys",
    operationId: "listSigningKeys",
    summary: "List signing keys",
    description: "Every key the tenant has: the ones signing, the next ones, and retired ones still published.",
    tag: "Signing keys",
    scope: "keys:read",
    access: "tenant",
    params: z.object({ tenant: z.string() }),
    responses: { 200: { description: "The keys", schema: keyListSchema } },
    async handler(c) {
      const keys = await c.var.directory.signingKeys.all();
      return c.json({
        data: keys.map(presentKey),
      });
    },
  }),
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/keys/rotate",
    operationId: "rotateSigningKeys",
    summary: "Rotate signing keys now",
    description:
      "The next key (already published) starts signing; the current one retires and stays published until every token it signed has expired, unless `revoke_previous` removes it at once (for a compromised key: its tokens stop verifying). A new next key is published.",
    tag: "Signing keys",
    scope: "keys:write",
    access: "tenant",
    params: z.object({ tenant: z.string() }),
    body: z.strictObject({
      alg: z.optional(
        described(
          z.enum(["ES256", "RS256"], "must be ES256 or RS256"),
          "Rotate one algorithm; default: every algorithm in use",
        ),
      ),
      revoke_previous: z._default(z.boolean(), false),
    }),
    bodyOptional: true,
    responses: { 200: { description: "The keys after rotation", schema: keyListSchema } },
    async handler(c, { body }) {
      const inUse = new Set((await c.var.directory.signingKeys.all()).map((k) => k.alg));
      const algs: SigningAlg[] = body.alg ? [body.alg] : SIGNING_ALGS.filter((alg) => inUse.has(alg));
      if (algs.length === 0) algs.push("ES256");
      // The KeyRing records the rotation in the audit trail, in the batch that applies it.
      await rotateSigningKeys(c.env, c.var.target.id, {
        algs,
        revokePrevious: body.revoke_previous,
        actor: { type: "client", id: c.var.principal.clientId },
      });
      const keys = await c.var.directory.signingKeys.all();
      return c.json({
        data: keys.map(presentKey),
      });
    },
  }),
];
