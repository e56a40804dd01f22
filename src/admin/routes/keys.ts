// Signing keys of a tenant: list them, rotate them now.
import * as z from "zod/mini";
import { nowSeconds, toRfc3339 } from "../../config";
import {
  NEXT_KEY_MIN_PUBLISHED,
  SIGNING_ALGS,
  removeRetiredKey,
  rotateSigningKeys,
  unseasonedNextKeys,
} from "../../keys";
import { notFound, Problem } from "../problem";
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
      force: z._default(
        described(
          z.boolean(),
          "Rotate even though the next key was published less than an hour ago (relying parties may not have fetched it yet)",
        ),
        false,
      ),
    }),
    bodyOptional: true,
    responses: {
      200: { description: "The keys after rotation", schema: keyListSchema },
      409: { description: "The next key is too new to promote without `force`" },
    },
    async handler(c, { body }) {
      const existing = await c.var.directory.signingKeys.all();
      const inUse = new Set(existing.map((k) => k.alg));
      const algs: SigningAlg[] = body.alg ? [body.alg] : SIGNING_ALGS.filter((alg) => inUse.has(alg));
      if (algs.length === 0) algs.push("ES256");
      const unseasoned = unseasonedNextKeys(existing, algs, nowSeconds());
      if (unseasoned.length > 0 && !body.force)
        throw new Problem(
          "conflict",
          `the next ${unseasoned.join(" and ")} key was published less than ${NEXT_KEY_MIN_PUBLISHED / 60} minutes ago, so relying parties may not know it yet; retry later, or pass "force": true`,
          [{ pointer: "#/force", detail: "required to promote a next key published moments ago" }],
        );
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
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/keys/{kid}",
    operationId: "revokeSigningKey",
    summary: "Revoke a retired signing key",
    description:
      "Removes a retired key from the JWKS now, so the tokens it signed stop verifying (for a key found compromised after its rotation). To replace the current key, rotate with `revoke_previous`.",
    tag: "Signing keys",
    scope: "keys:write",
    access: "tenant",
    params: z.object({ tenant: z.string(), kid: z.string() }),
    responses: {
      204: { description: "Removed" },
      409: { description: "The key is current or next: rotate first" },
    },
    async handler(c, { params }) {
      const { outcome } = await removeRetiredKey(c.env, c.var.target.id, params.kid, {
        type: "client",
        id: c.var.principal.clientId,
      });
      if (outcome === "not-found") throw notFound(`the tenant has no signing key '${params.kid}'`);
      if (outcome === "not-retired")
        throw new Problem("conflict", `key '${params.kid}' is still current or next: rotate it out first`);
      return c.body(null, 204);
    },
  }),
];
