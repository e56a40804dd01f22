// Short-lived state that must be consistent: pending authorization requests
// (interactions), pushed authorization requests (RFC 9126) and used client-assertion ids
// (RFC 7523 replay protection). One Ephemeral Durable Object per key: each is tiny and
// lives minutes, and nothing about one key ever waits on another.
import { DurableObject } from "cloudflare:workers";
import { timingSafeEqual, utf8 } from "../crypto/encoding";
import type { Env } from "../env";

export type ChallengeAttempt<T> =
  | { outcome: "match"; value: T }
  | { outcome: "wrong"; attemptsLeft: number }
  | { outcome: "exhausted" }
  | { outcome: "missing" };

interface Stored<T> {
  value: T;
  expiresAt: number;
}

export class Ephemeral extends DurableObject<Env> {
  private async read<T>(): Promise<T | null> {
    const stored = await this.ctx.storage.get<Stored<T>>("value");
    if (!stored) return null;
    if (stored.expiresAt <= Date.now()) {
      await this.ctx.storage.deleteAll();
      return null;
    }
    return stored.value;
  }

  async put<T>(value: T, ttlSeconds: number): Promise<void> {
    const expiresAt = Date.now() + ttlSeconds * 1000;
    await this.ctx.storage.put("value", { value, expiresAt } satisfies Stored<T>);
    await this.ctx.storage.setAlarm(expiresAt);
  }

  get<T>(): Promise<T | null> {
    return this.read<T>();
  }

  /**
   * Replaces a versioned value only if it is still there at `expectedVersion`: an update
   * computed from a stale copy (or after someone took the value) is refused.
   */
  async replace<T extends { version: number }>(
    expectedVersion: number,
    value: T,
    ttlSeconds: number,
  ): Promise<boolean> {
    const current = await this.read<T>();
    if (!current || current.version !== expectedVersion) return false;
    await this.put(value, ttlSeconds);
    return true;
  }

  /** Returns the value and forgets it, atomically: the second caller gets null. */
  async take<T>(): Promise<T | null> {
    const value = await this.read<T>();
    if (value !== null) await this.ctx.storage.deleteAll();
    return value;
  }

  /**
   * Marks the key as used until `ttlSeconds` from now. True the first time, false while
   * the mark lasts: the check and the mark are one step, so replays cannot race.
   */
  async claim(ttlSeconds: number): Promise<boolean> {
    if ((await this.read<true>()) !== null) return false;
    await this.put(true, ttlSeconds);
    return true;
  }

  /**
   * For values holding a code's MAC and an attempt count (src/challenges): compares in
   * constant time and, in the same step, consumes the value on a match or counts the
   * attempt, dropping the value when attempts run out.
   */
  async attemptCode<T extends { codeMac: string; attempts: number }>(
    presentedMac: string,
    maxAttempts: number,
  ): Promise<ChallengeAttempt<T>> {
    const value = await this.read<T>();
    if (!value) return { outcome: "missing" };
    if (value.attempts >= maxAttempts) {
      await this.ctx.storage.deleteAll();
      return { outcome: "exhausted" };
    }
    if (timingSafeEqual(utf8.encode(presentedMac), utf8.encode(value.codeMac))) {
      await this.ctx.storage.deleteAll();
      return { outcome: "match", value };
    }
    const attempts = value.attempts + 1;
    if (attempts >= maxAttempts) {
      await this.ctx.storage.deleteAll();
      return { outcome: "exhausted" };
    }
    const stored = await this.ctx.storage.get<Stored<T>>("value");
    await this.ctx.storage.put("value", { value: { ...value, attempts }, expiresAt: stored!.expiresAt });
    return { outcome: "wrong", attemptsLeft: maxAttempts - attempts };
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
