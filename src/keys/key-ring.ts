// One KeyRing Durable Object per tenant serializes every change to the tenant's signing
// keys: first-need generation, scheduled and manual rotation. Without it two isolates
// that both miss the cache could each create a "current" key, or a cron rotation and a
// manual one could interleave. Keys themselves live in D1; after each change the ring
// publishes the signing set and the JWKS to KV, where the request path reads them.
import { DurableObject } from "cloudflare:workers";
import { nowSeconds } from "../config";
import { openDirectory, type SigningKeyRecord } from "../directory";
import { describeError } from "../http/log";
import type { Env } from "../env";
import type { SigningAlg } from "../storage/schema";
import { sealPrivateKey } from "./envelope";
import { generateSigningKey } from "./generate";
import { isEmptyPlan, planEnsure, planMaintenance, planRotation, type KeyPlan } from "./policy";
import { isPublished, publishKeyRingState, toKeyRingState, type KeyRingState } from "./state";

export interface RotationOptions {
  algs: SigningAlg[];
  revokePrevious: boolean;
  actor: { type: "client" | "system"; id: string | null };
}

export class KeyRing extends DurableObject<Env> {
  /** Generates the tenant's keys for `alg` if it has none; always republishes the caches. */
  ensure(tenantId: string, alg: SigningAlg): Promise<KeyRingState> {
    return this.change(tenantId, (keys, now) => planEnsure(keys, alg, now), {
      publish: "always",
      audit: { type: "signing_keys.generated", actorType: "system", details: { alg, reason: "first_use" } },
    });
  }

  rotate(tenantId: string, options: RotationOptions): Promise<KeyRingState> {
    return this.change(
      tenantId,
      (keys, now) => {
        const plan: KeyPlan = { generate: [], update: [], remove: [] };
        for (const alg of options.algs) {
          const step = planRotation(keys, alg, now, { revokePrevious: options.revokePrevious });
          plan.generate.push(...step.generate);
          plan.update.push(...step.update);
          plan.remove.push(...step.remove);
        }
        return plan;
      },
      {
        publish: "always",
        audit: {
          type: "signing_keys.rotated",
          actorType: options.actor.type,
          actorId: options.actor.id,
          details: { algs: options.algs, revoke_previous: options.revokePrevious, reason: "manual" },
        },
      },
    );
  }

  /**
   * Removes a retired key from publication now, so tokens it signed stop verifying (for
   * a key found compromised after its rotation). Current and next keys are refused.
   */
  async removeRetired(
    tenantId: string,
    kid: string,
    actor: RotationOptions["actor"],
  ): Promise<{ outcome: "removed" | "not-found" | "not-retired"; state: KeyRingState }> {
    let outcome: "removed" | "not-found" | "not-retired" = "removed";
    const state = await this.change(
      tenantId,
      (keys) => {
        const key = keys.find((k) => k.kid === kid);
        outcome = !key ? "not-found" : key.status !== "retired" ? "not-retired" : "removed";
        return { generate: [], update: [], remove: outcome === "removed" ? [kid] : [] };
      },
      {
        publish: "on-change",
        audit: { type: "signing_keys.revoked", actorType: actor.type, actorId: actor.id, details: { kid } },
      },
    );
    return { outcome, state };
  }

  /** The scheduled pass; publishes when something changed or KV disagrees with D1, sparing KV writes otherwise. */
  maintain(tenantId: string, rotationDays: number): Promise<KeyRingState> {
    return this.change(tenantId, (keys, now) => planMaintenance(keys, now, rotationDays), {
      publish: "on-change",
      audit: {
        type: "signing_keys.maintained",
        actorType: "system",
        details: { reason: "scheduled", rotation_days: rotationDays },
      },
    });
  }

  private change(
    tenantId: string,
    plan: (keys: SigningKeyRecord[], now: number) => KeyPlan,
    options: {
      publish: "always" | "on-change";
      audit?: Parameters<ReturnType<typeof openDirectory>["signingKeys"]["apply"]>[1];
    },
  ): Promise<KeyRingState> {
    // Holding the input gate for the whole read-plan-write makes it one critical section
    // even though D1 calls are outside the object's own storage.
    return this.ctx.blockConcurrencyWhile(async () => {
      try {
        return await this.applyChange(tenantId, plan, options);
      } catch (error) {
        // Errors cross the RPC boundary as plain messages: make sure no query parameters ride along.
        throw new Error(`key ring of ${tenantId}: ${describeError(error)}`);
      }
    });
  }

  private async applyChange(
    tenantId: string,
    plan: (keys: SigningKeyRecord[], now: number) => KeyPlan,
    options: {
      publish: "always" | "on-change";
      audit?: Parameters<ReturnType<typeof openDirectory>["signingKeys"]["apply"]>[1];
    },
  ): Promise<KeyRingState> {
    const directory = openDirectory(this.env, { id: tenantId });
    let keys = await directory.signingKeys.all();
    const now = nowSeconds();
    const steps = plan(keys, now);
    const changed = !isEmptyPlan(steps);
    if (changed) {
      const insert: SigningKeyRecord[] = [];
      for (const wanted of steps.generate) {
        const generated = await generateSigningKey(wanted.alg);
        insert.push({
          kid: generated.kid,
          tenantId,
          alg: wanted.alg,
          status: wanted.status,
          publicJwk: generated.publicJwk,
          privateJwkEncrypted: await sealPrivateKey(this.env.SIGNING_KEY_ENCRYPTION_KEY, generated.privateJwk, {
            tenantId,
            kid: generated.kid,
          }),
          createdAt: now,
          activatedAt: wanted.status === "current" ? now : null,
          retiredAt: null,
          expiresAt: null,
        });
      }
      const audit = options.audit && {
        ...options.audit,
        details: {
          ...options.audit.details,
          generated: insert.map((k) => ({ kid: k.kid, alg: k.alg, status: k.status })),
          changed: steps.update.map((u) => ({ kid: u.kid, status: u.status })),
          removed: steps.remove,
        },
      };
      // The audit record (only written when something changed) commits with the keys.
      await directory.signingKeys.apply({ insert, update: steps.update, remove: steps.remove }, audit);
      keys = await directory.signingKeys.all();
    }
    const state = toKeyRingState(tenantId, keys);
    // Scheduled passes also repair a publication that failed earlier.
    const publish = changed || options.publish === "always" || !(await isPublished(this.env, state));
    if (publish && !(await publishKeyRingState(this.env, state)))
      console.error(`signing keys of ${tenantId} not published to KV; the next maintenance retries`);
    return state;
  }
}
