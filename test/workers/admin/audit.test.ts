import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { operatorToken } from "../helpers";
import {
  accessToken,
  api,
  backdateAuditEvents,
  expectProblem,
  expectStatus,
  managementClient,
  newClient,
  newResource,
  newTenant,
  newUser,
} from "./fixtures";

interface AuditEvent {
  id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  user_id: string | null;
  client_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, any>;
  created_at: string;
}

async function events(token: string, query: Record<string, string | number> = {}): Promise<AuditEvent[]> {
  const result = await api<{ data: AuditEvent[]; next_cursor: string | null }>(
    "listAuditEvents",
    { tenant: "acme" },
    {
      token,
      query: { limit: 100, ...query },
    },
  );
  expectStatus(result, 200);
  return result.body.data;
}

/** A small history in tenant acme: a user, a machine client, its token, an update. */
async function history() {
  const token = await operatorToken();
  await newTenant(token, "acme");
  await newResource(token, "acme", { identifier: "https://api.acme.test", scopes: [{ value: "read" }] });
  const user = await newUser(token, "acme", { email: "ana@example.com" });
  const other = await newUser(token, "acme", { email: "bob@example.com" });
  const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
  await accessToken("acme", client.client_id, client.client_secret, { resource: "https://api.acme.test" });
  await api("updateUser", { tenant: "acme", user_id: user.id }, { token, body: { given_name: "Ana" } });
  return { token, user, other, client };
}

describe("audit events", () => {
  it("records management calls with their actor, subject, address and user agent", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const created = await api(
      "createUser",
      { tenant: "acme" },
      {
        token,
        body: { email: "ana@example.com", password: "a long enough password" },
        headers: {
          "CF-Connecting-IP": "203.0.113.7",
          "User-Agent": "audit-test/1.0",
          "X-Forwarded-For": "198.51.100.1",
        },
      },
    );
    expectStatus(created, 201);
    const [event] = await events(token, { type: "user.created" });
    expect(event).toMatchObject({
      type: "user.created",
      actor_type: "client",
      actor_id: "test-operator",
      user_id: created.body.id,
      client_id: null,
      ip: "203.0.113.7",
      user_agent: "audit-test/1.0",
      details: { with_password: true, caller_tenant: "system" },
    });
    expect(JSON.stringify(event)).not.toContain("a long enough password");
    expect(Math.abs(Date.parse(event!.created_at) - Date.now())).toBeLessThan(60_000);

    // A tenant's own management client is the actor of its calls.
    const manager = await managementClient(token, "acme", "users:write audit:read");
    const byManager = await newUser(manager.token, "acme", { email: "bob@example.com" });
    const [managed] = await events(manager.token, { user_id: byManager.id });
    expect(managed).toMatchObject({
      type: "user.created",
      actor_id: manager.clientId,
      details: { caller_tenant: "acme" },
    });
  });

  it("records token issuance without the secret", async () => {
    const { token, client } = await history();
    const issued = await events(token, { type: "token.issued" });
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      actor_type: "client",
      actor_id: client.client_id,
      client_id: client.client_id,
      details: { grant_type: "client_credentials", audience: "https://api.acme.test", scope: "read" },
    });
    expect(JSON.stringify(issued)).not.toContain(client.client_secret);
  });

  it("filters by type, user_id and client_id, alone and together", async () => {
    const { token, user, other, client } = await history();
    const all = await events(token);
    expect(all.map((e) => e.type)).toEqual([
      "resource.created",
      "user.created",
      "user.created",
      "client.created",
      "signing_keys.generated",
      "token.issued",
      "user.updated",
    ]);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort());

    expect((await events(token, { type: "user.created" })).map((e) => e.user_id)).toEqual([user.id, other.id]);
    expect((await events(token, { user_id: user.id })).map((e) => e.type)).toEqual(["user.created", "user.updated"]);
    expect((await events(token, { user_id: other.id })).map((e) => e.type)).toEqual(["user.created"]);
    expect((await events(token, { client_id: client.client_id })).map((e) => e.type)).toEqual([
      "client.created",
      "token.issued",
    ]);
    expect(await events(token, { type: "token.issued", client_id: client.client_id })).toHaveLength(1);
    expect(await events(token, { type: "user.updated", user_id: other.id })).toEqual([]);
    expect(await events(token, { type: "nothing.happened" })).toEqual([]);
    expect(await events(token, { user_id: "usr_nobody" })).toEqual([]);
  });

  it("filters by time with since and until, both inclusive", async () => {
    const { token } = await history();
    const all = await events(token);
    expect(all).toHaveLength(7);
    const base = Date.UTC(2030, 0, 15, 12, 0, 0) / 1000;
    // Two events an hour earlier, two at base, the rest an hour later.
    await backdateAuditEvents(env, [all[0]!.id, all[1]!.id], base - 3600);
    await backdateAuditEvents(env, [all[2]!.id, all[3]!.id], base);
    await backdateAuditEvents(
      env,
      all.slice(4).map((e) => e.id),
      base + 3600,
    );
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
    const ids = (list: AuditEvent[]) => list.map((e) => e.id);

    expect(ids(await events(token, { since: iso(base) }))).toEqual(ids(all.slice(2)));
    expect(ids(await events(token, { until: iso(base) }))).toEqual(ids(all.slice(0, 4)));
    expect(ids(await events(token, { since: iso(base), until: iso(base) }))).toEqual(ids(all.slice(2, 4)));
    expect(ids(await events(token, { since: iso(base + 1) }))).toEqual(ids(all.slice(4)));
    expect(ids(await events(token, { until: iso(base - 1) }))).toEqual(ids(all.slice(0, 2)));
    expect(await events(token, { since: iso(base + 7200) })).toEqual([]);
    expect(await events(token, { since: iso(base + 1), until: iso(base + 3599) })).toEqual([]);
    // An offset is read as such: 13:00+01:00 is 12:00Z.
    expect(
      ids(await events(token, { since: "2030-01-15T13:00:00+01:00", until: "2030-01-15T13:00:00+01:00" })),
    ).toEqual(ids(all.slice(2, 4)));
    const returned = (await events(token, { since: iso(base), until: iso(base) }))[0]!;
    expect(returned.created_at).toBe(iso(base));
    // Filters combine with time.
    expect((await events(token, { type: "user.created", since: iso(base) })).map((e) => e.id)).toEqual([all[2]!.id]);
  });

  it("pages through the trail with a cursor, also with a filter", async () => {
    const { token } = await history();
    const all = await events(token);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api(
        "listAuditEvents",
        { tenant: "acme" },
        { token, query: { limit: 4, ...(cursor ? { cursor } : {}) } },
      );
      expectStatus(page, 200);
      seen.push(...page.body.data.map((e: AuditEvent) => e.id));
      cursor = page.body.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(all.map((e) => e.id));

    const first = await api(
      "listAuditEvents",
      { tenant: "acme" },
      { token, query: { type: "user.created", limit: 1 } },
    );
    expect(first.body.data).toHaveLength(1);
    const second = await api(
      "listAuditEvents",
      { tenant: "acme" },
      {
        token,
        query: { type: "user.created", limit: 1, cursor: first.body.next_cursor },
      },
    );
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    expect([first.body.data[0].id, second.body.data[0].id]).toEqual(
      all.filter((e) => e.type === "user.created").map((e) => e.id),
    );
  });

  it("keeps each tenant's trail to itself", async () => {
    const { token } = await history();
    await newTenant(token, "globex");
    await newUser(token, "globex", { email: "zed@example.com" });
    const globex = await api("listAuditEvents", { tenant: "globex" }, { token });
    expect(globex.body.data.map((e: AuditEvent) => e.type)).toEqual(["user.created"]);
    expect((await events(token)).map((e) => e.type)).not.toContain("tenant.created");
  });

  it("refuses invalid filters, naming the parameter", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const cases: [Record<string, string>, string][] = [
      [{ since: "yesterday" }, "since"],
      [{ since: "2030-01-15" }, "since"],
      [{ until: "2030-13-01T00:00:00Z" }, "until"],
      [{ until: "1700000000" }, "until"],
      [{ type: "x".repeat(101) }, "type"],
      [{ limit: "0" }, "limit"],
      [{ cursor: "bogus" }, "cursor"],
    ];
    for (const [query, parameter] of cases) {
      const result = await api("listAuditEvents", { tenant: "acme" }, { token, query });
      expectProblem(result, "validation-failed", { parameter });
    }
  });
});
