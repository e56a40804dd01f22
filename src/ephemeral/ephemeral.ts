// Short-lived state that must be consistent: pending authorization requests
// (interactions), pushed authorization requests (RFC 9126) and used client-assertion ids
// (RFC 7523 replay protection). One Ephemeral Durable Object per key: each is tiny and
// lives minutes, and nothing about one key ever waits on another.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

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

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
