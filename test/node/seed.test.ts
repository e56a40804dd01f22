// The dev seed (scripts/seed.mjs) against a real worker: idempotent, and the credentials
// it reports always work, even after its state file is lost.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../scripts/seed.mjs";
import { startWorker, TEST_SECRETS } from "./worker-harness.mjs";

let worker: { baseUrl: string; close: () => Promise<void> };
let dir: string;

beforeAll(async () => {
  worker = await startWorker();
  dir = mkdtempSync(join(tmpdir(), "latchkey-seed-"));
});

afterAll(async () => {
  await worker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = (stateFile: string) => ({
  baseUrl: worker.baseUrl,
  adminClientId: TEST_SECRETS.ADMIN_CLIENT_ID,
  adminClientSecret: TEST_SECRETS.ADMIN_CLIENT_SECRET,
  stateFile,
});

async function demoAppToken(secret: string) {
  return fetch(`${worker.baseUrl}/t/demo/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`demo-app:${secret}`).toString("base64")}`,
    },
    body: "grant_type=client_credentials",
  });
}

async function operatorGet(path: string) {
  const token = await fetch(`${worker.baseUrl}/t/system/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: TEST_SECRETS.ADMIN_CLIENT_ID,
      client_secret: TEST_SECRETS.ADMIN_CLIENT_SECRET,
    }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const response = await fetch(`${worker.baseUrl}/admin/v1${path}`, {
    headers: { Authorization: `Bearer ${token.access_token}` },
  });
  return response.json() as Promise<{ data: unknown[] }>;
}

describe("dev seed", () => {
  it("creates the demo tenant, app and user once, and its credentials work", async () => {
    const stateFile = join(dir, "state.json");
    const first = await seedDemo(options(stateFile));
    const second = await seedDemo(options(stateFile));
    expect(second).toEqual(first);
    expect(first.demoIssuer).toBe(`${worker.baseUrl}/t/demo`);

    expect((await operatorGet("/tenants")).data).toHaveLength(2);
    expect((await operatorGet("/tenants/demo/clients")).data).toHaveLength(1);
    expect((await operatorGet("/tenants/demo/users")).data).toHaveLength(1);
    expect((await operatorGet("/tenants/demo/resources")).data).toHaveLength(1);

    const token = await demoAppToken(first.demoApp.clientSecret);
    expect(token.status).toBe(200);
    expect(((await token.json()) as { scope: string }).scope).toBe("read:items write:items");
  });

  it("replaces the demo secret when the state file is lost, so the printed one works", async () => {
    const original = await seedDemo(options(join(dir, "a.json")));
    const recovered = await seedDemo(options(join(dir, "b.json")));
    expect(recovered.demoApp.clientSecret).not.toBe(original.demoApp.clientSecret);
    expect((await demoAppToken(recovered.demoApp.clientSecret)).status).toBe(200);
    expect((await demoAppToken(original.demoApp.clientSecret)).status).toBe(401);
    expect(recovered.demoUser.password).not.toBe(original.demoUser.password);
    expect((await operatorGet("/tenants/demo/users")).data).toHaveLength(1);
  });
});
