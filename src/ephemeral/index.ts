// Typed access to Ephemeral objects: the key names the object, scoped by tenant.
import type { Env } from "../env";
import { countCalls, type RequestStats } from "../storage/database";

export { Ephemeral } from "./ephemeral";

type Purpose =
  | "interaction"
  | "par"
  | "assertion-jti"
  | "logout"
  | "challenge-sign-up"
  | "challenge-verify-email"
  | "challenge-email-code"
  | "challenge-password-reset"
  | "challenge-email-change"
  | "challenge-second-factor"
  | "recovery-codes-shown"
  | "passkey-challenge";

function stub(env: Env, tenantId: string, purpose: Purpose, key: string) {
  return env.EPHEMERAL.get(env.EPHEMERAL.idFromName(`${tenantId}:${purpose}:${key}`));
}

export function ephemeralStore<T>(env: Env, tenantId: string, purpose: Purpose, key: string, stats?: RequestStats) {
  const object = countCalls(stub(env, tenantId, purpose, key), stats);
  return {
    put: (value: T, ttlSeconds: number) => object.put(value, ttlSeconds),
    get: () => object.get() as Promise<T | null>,
    take: () => object.take() as Promise<T | null>,
    /** Compare-and-set for values carrying a `version` (see Ephemeral.replace). */
    replace: (expectedVersion: number, value: T & { version: number }, ttlSeconds: number) =>
      object.replace(expectedVersion, value, ttlSeconds) as Promise<boolean>,
    claim: (ttlSeconds: number) => object.claim(ttlSeconds),
    /** For code challenges (see Ephemeral.attemptCode). */
    attemptCode: (presentedMac: string, maxAttempts: number) => object.attemptCode(presentedMac, maxAttempts),
  };
}
