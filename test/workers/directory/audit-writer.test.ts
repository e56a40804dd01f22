// Audit records written after the response are coalesced: records queued together reach
// D1 as one statement, each arrives whole, and a failed write is logged without details.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { recordAfterResponse } from "../../../src/directory/audit-writer";
import { directoryOf, newTenant } from "./fixtures";

/** env.DB seen through a wrapper that counts the statements prepared on it. */
function countingDatabase(failWith?: Error) {
  const prepared: string[] = [];
  const d1 = {
    prepare(query: string) {
      prepared.push(query);
      if (failWith) throw failWith;
      return env.DB.prepare(query);
    },
  } as unknown as D1Database;
  return { d1, prepared };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("recordAfterResponse", () => {
  it("writes records queued together as one statement, every field intact", async () => {
    const tenant = await newTenant("acme");
    const other = await newTenant("globex");
    const { d1, prepared } = countingDatabase();
    const longAgent = "x".repeat(600);
    await Promise.all([
      recordAfterResponse(d1, tenant.id, {
        type: "token.issued",
        actorType: "client",
        actorId: "app",
        clientId: "app",
        userId: "usr_1",
        ip: "203.0.113.9",
        userAgent: longAgent,
        details: { grant_type: "client_credentials", scope: "read:orders", nested: { n: 1 } },
      }),
      recordAfterResponse(d1, tenant.id, { type: "token.revoked", actorType: "client" }),
      recordAfterResponse(d1, other.id, { type: "client.authentication_failed", actorType: "client", clientId: "x" }),
    ]);
    expect(prepared).toHaveLength(1);

    const events = await directoryOf(tenant).audit.list({ limit: 10 });
    expect(events.map((e) => e.type).sort()).toEqual(["token.issued", "token.revoked"]);
    const issued = events.find((e) => e.type === "token.issued")!;
    expect(issued).toMatchObject({
      tenantId: tenant.id,
      actorType: "client",
      actorId: "app",
      clientId: "app",
      userId: "usr_1",
      ip: "203.0.113.9",
      details: { grant_type: "client_credentials", scope: "read:orders", nested: { n: 1 } },
    });
    expect(issued.id).toMatch(/^evt_/);
    expect(issued.userAgent).toHaveLength(512);
    expect(typeof issued.createdAt).toBe("number");
    expect(Math.abs(issued.createdAt - Date.now() / 1000)).toBeLessThan(5);
    const revoked = events.find((e) => e.type === "token.revoked")!;
    expect(revoked).toMatchObject({ actorId: null, userId: null, clientId: null, ip: null, details: {} });
    // Each record went to its own tenant.
    const elsewhere = await directoryOf(other).audit.list({ limit: 10 });
    expect(elsewhere.map((e) => e.type)).toEqual(["client.authentication_failed"]);
  });

  it("starts a new batch once the previous one is written, and splits very large ones", async () => {
    const tenant = await newTenant("acme");
    const { d1, prepared } = countingDatabase();
    await recordAfterResponse(d1, tenant.id, { type: "first", actorType: "system" });
    await recordAfterResponse(d1, tenant.id, { type: "second", actorType: "system" });
    expect(prepared).toHaveLength(2);

    const many = Array.from({ length: 450 }, (_, i) =>
      recordAfterResponse(d1, tenant.id, { type: "bulk", actorType: "system", details: { i } }),
    );
    await Promise.all(many);
    expect(prepared).toHaveLength(2 + 3); // 200 + 200 + 50
    const events = await directoryOf(tenant).audit.list({ limit: 1000, type: "bulk" });
    expect(events.map((e) => (e.details as { i: number }).i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 450 }, (_, i) => i),
    );
  });

  it("logs a failed write by event type, without details, and settles", async () => {
    const tenant = await newTenant("acme");
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { d1 } = countingDatabase(new Error("D1_ERROR: database is locked"));
    await expect(
      recordAfterResponse(d1, tenant.id, {
        type: "token.issued",
        actorType: "client",
        details: { email: "ana@example.com" },
      }),
    ).resolves.toBeUndefined();
    expect(errors).toHaveBeenCalledTimes(1);
    const message = String(errors.mock.calls[0]![0]);
    expect(message).toContain("audit write of 1 records (token.issued) failed: D1_ERROR: database is locked");
    expect(message).not.toContain("ana@example.com");
  });
});
