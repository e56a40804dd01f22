// The Durable Object that holds sign-in throttling state: one per (tenant, login) and one
// per (tenant, IP); one per (tenant, user) for second-factor attempts and one for the
// adaptive-MFA history of the account (src/mfa/risk). One writer at a time makes the
// counting exact under concurrency.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { emptyHistory, recordSignIn, type RiskHistory, type SignInFacts } from "../mfa/risk/history";
import {
  attemptAccount,
  attemptIp,
  emptyAccount,
  emptyIp,
  recentFailureTimes,
  succeedAccount,
  succeedIp,
  type AccountState,
  type Decision,
  type IpState,
  type LockPolicy,
} from "./policy";

const now = () => Math.floor(Date.now() / 1000);
/** Failure counts are forgotten after two idle days... */
const FORGET_AFTER_MS = 2 * 86_400_000;
/** ...known devices only when they have not signed in for as long as their cookie lives. */
const DEVICE_MEMORY_SECONDS = 365 * 86_400;

export class SignInThrottle extends DurableObject<Env> {
  private async remember() {
    // Idle state is dropped after two days; any attempt pushes the deadline back.
    await this.ctx.storage.setAlarm(Date.now() + FORGET_AFTER_MS);
  }

  async attemptAccount(deviceId: string | null, policy: LockPolicy): Promise<Decision> {
    const stored = (await this.ctx.storage.get<AccountState>("account")) ?? emptyAccount();
    const { state, decision } = attemptAccount(stored, now(), deviceId, policy);
    if (state !== stored) await this.ctx.storage.put("account", state);
    await this.remember();
    return decision;
  }

  async succeedAccount(deviceId: string | null, trusted: boolean): Promise<void> {
    const stored = (await this.ctx.storage.get<AccountState>("account")) ?? emptyAccount();
    await this.ctx.storage.put("account", succeedAccount(stored, now(), deviceId, trusted));
    await this.remember();
  }

  /** Returns the decision and the attempt's timestamp (to refund on success). */
  async attemptIp(): Promise<{ decision: Decision; at: number }> {
    const stored = (await this.ctx.storage.get<IpState>("ip")) ?? emptyIp();
    const at = now();
    const { state, decision } = attemptIp(stored, at);
    await this.ctx.storage.put("ip", state);
    await this.remember();
    return { decision, at };
  }

  async succeedIp(at: number): Promise<void> {
    const stored = await this.ctx.storage.get<IpState>("ip");
    if (stored) await this.ctx.storage.put("ip", succeedIp(stored, at));
  }

  /** When the attempts that failed on this account in the last hour were made (Unix seconds). */
  async recentFailureTimes(): Promise<number[]> {
    const stored = await this.ctx.storage.get<AccountState>("account");
    return stored ? recentFailureTimes(stored, now()) : [];
  }

  /** The adaptive-MFA history of the account (in its own object, `{tenant}:risk:{user}`). */
  async riskHistory(): Promise<RiskHistory> {
    return (await this.ctx.storage.get<RiskHistory>("risk")) ?? emptyHistory();
  }

  /** A sign-in of the account completed with every factor it needed: remember its device and place. */
  async recordRiskSignIn(facts: SignInFacts): Promise<void> {
    const stored = (await this.ctx.storage.get<RiskHistory>("risk")) ?? emptyHistory();
    await this.ctx.storage.put("risk", recordSignIn(stored, facts, now()));
  }

  /** An admin reset the account's factors: no device or place is known any more. */
  async forgetRisk(): Promise<void> {
    await this.ctx.storage.delete("risk");
  }

  /**
   * A budget of `limit` uses per sliding `windowSeconds` (emails sent to one address,
   * sign-ups from one network, ...): spends one and says whether it was there to spend.
   */
  async take(limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfter: number }> {
    const t = now();
    const uses = ((await this.ctx.storage.get<number[]>("uses")) ?? []).filter((at) => at > t - windowSeconds);
    if (uses.length >= limit) return { allowed: false, retryAfter: uses[0]! + windowSeconds - t };
    uses.push(t);
    await this.ctx.storage.put("uses", uses);
    await this.remember();
    return { allowed: true, retryAfter: 0 };
  }

  /**
   * After two idle days: failure counts go; the devices an account knows stay (else an
   * attacker could wait, then lock out a customer whose browser had been forgotten).
   */
  override async alarm(): Promise<void> {
    const account = await this.ctx.storage.get<AccountState>("account");
    const risk = await this.ctx.storage.get<RiskHistory>("risk");
    const t = now();
    const devices = Object.fromEntries(
      Object.entries(account?.devices ?? {}).filter(([, device]) => device.addedAt > t - DEVICE_MEMORY_SECONDS),
    );
    await this.ctx.storage.deleteAll();
    // An account's risk history forgets by itself (src/mfa/risk/history.ts): it stays.
    if (risk) await this.ctx.storage.put("risk", risk);
    if (Object.keys(devices).length > 0) {
      await this.ctx.storage.put("account", { ...emptyAccount(), devices } satisfies AccountState);
      await this.ctx.storage.setAlarm(Date.now() + 30 * 86_400_000);
    }
  }
}
