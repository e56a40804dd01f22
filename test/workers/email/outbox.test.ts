// The development outbox: sendEmail keeps messages in D1 with EMAIL_PROVIDER=outbox on a
// local base URL, and /dev/outbox (page) and /dev/outbox.json list them, newest first,
// filtered by recipient and tenant. Anywhere else the pages do not exist and the
// outbox refuses to keep anything.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openTenantRegistry, type Tenant } from "../../../src/directory";
import {
  emailProvider,
  outboxAllowed,
  readOutbox,
  sendEmail,
  sendEmailLater,
  type EmailMessage,
} from "../../../src/email";
import type { Env } from "../../../src/env";
import worker from "../../../src/index";
import { BASE } from "../helpers";

let acme: Tenant;
let globex: Tenant;

beforeEach(async () => {
  acme = await openTenantRegistry(env).create("acme", { displayName: "Acme" });
  globex = await openTenantRegistry(env).create("globex", { displayName: "Globex" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

function message(to: string, subject: string, extra: Partial<EmailMessage> = {}): EmailMessage {
  return { to, fromName: "Acme", subject, text: `text of ${subject}`, html: `<p>${subject}</p>`, ...extra };
}

async function get(path: string, vars: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${BASE}${path}`), { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

interface OutboxJson {
  emails: { id: string; to: string; subject: string; text: string; html: string; created_at: string }[];
}

async function listed(query = ""): Promise<OutboxJson["emails"]> {
  const response = await get(`/dev/outbox.json${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as OutboxJson).emails;
}

describe("the outbox sender", () => {
  it("is allowed only on local base URLs", () => {
    for (const url of [
      "http://localhost:8787",
      "http://127.0.0.1:9999",
      "http://[::1]:8787",
      "http://id.localhost",
      "https://latchkey.test",
    ])
      expect(outboxAllowed({ ...env, PUBLIC_BASE_URL: url } as Env), url).toBe(true);
    for (const url of [
      "https://id.example.com",
      "https://localhost.example.com",
      "https://test.example",
      "https://127.0.0.1.nip.io",
    ])
      expect(outboxAllowed({ ...env, PUBLIC_BASE_URL: url } as Env), url).toBe(false);
  });

  it("keeps emails in D1, recipient in lower case", async () => {
    await sendEmail(env as Env, acme.id, message("Ana@Example.COM", "Hello"));
    const [email] = await readOutbox(env as Env);
    expect(email).toMatchObject({
      tenantId: acme.id,
      recipient: "ana@example.com",
      subject: "Hello",
      textBody: "text of Hello",
      htmlBody: "<p>Hello</p>",
    });
  });

  it("refuses to keep anything on a public base URL", async () => {
    const production = { ...env, PUBLIC_BASE_URL: "https://id.example.com" } as Env;
    expect(() => emailProvider(production)).toThrow(/local development/);
    await expect(sendEmail(production, acme.id, message("ana@example.com", "Hello"))).rejects.toThrow(
      /local development/,
    );
    expect(await readOutbox(env as Env)).toEqual([]);
  });

  it("refuses unknown providers and a provider without its key or sender", () => {
    expect(() => emailProvider({ ...env, EMAIL_PROVIDER: "smtp" } as Env)).toThrow(/outbox, resend or postmark/);
    expect(() => emailProvider({ ...env, EMAIL_PROVIDER: undefined } as Env)).toThrow(/outbox, resend or postmark/);
    expect(() => emailProvider({ ...env, EMAIL_PROVIDER: "resend", EMAIL_FROM: "a@b.example" } as Env)).toThrow(
      /EMAIL_API_KEY/,
    );
    expect(() => emailProvider({ ...env, EMAIL_PROVIDER: "postmark", EMAIL_API_KEY: "k" } as Env)).toThrow(
      /EMAIL_FROM/,
    );
    expect(
      emailProvider({ ...env, EMAIL_PROVIDER: "postmark", EMAIL_API_KEY: "k", EMAIL_FROM: "a@b.example" } as Env),
    ).toBe("postmark");
    for (const from of [
      "Latchkey <no-reply@id.example.com>",
      "no-reply@id.example.com\r\nBcc: x@evil.example",
      "no-reply",
      "a@b@c.example",
    ])
      expect(
        () => emailProvider({ ...env, EMAIL_PROVIDER: "resend", EMAIL_API_KEY: "k", EMAIL_FROM: from } as Env),
        from,
      ).toThrow(/bare address/);
  });

  it("sends after the response and logs a failure with the tenant and kind only", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const ctx = createExecutionContext();
    const broken = { ...env, EMAIL_PROVIDER: "resend", EMAIL_FROM: "no-reply@example.com" } as Env;
    sendEmailLater(broken, ctx, acme.id, "passwordReset", message("ana@example.com", "Secret code 123456"));
    await waitOnExecutionContext(ctx);
    expect(errors).toHaveBeenCalledTimes(1);
    const logged = errors.mock.calls.flat().join(" ");
    expect(logged).toContain(`email 'passwordReset' for tenant ${acme.id} not sent`);
    expect(logged).toContain("EMAIL_API_KEY");
    expect(logged).not.toMatch(/ana@example\.com|123456|Secret/);
  });
});

describe("/dev/outbox.json", () => {
  it("lists the newest first, even within one millisecond", async () => {
    for (const subject of ["first", "second", "third", "fourth"])
      await sendEmail(env as Env, acme.id, message("ana@example.com", subject));
    const emails = await listed();
    expect(emails.map((e) => e.subject)).toEqual(["fourth", "third", "second", "first"]);
    expect(emails[0]).toMatchObject({ to: "ana@example.com", text: "text of fourth", html: "<p>fourth</p>" });
    expect(emails[0]!.id).toMatch(/^msg_/);
    expect(new Date(emails[0]!.created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("filters by recipient (any case) and by tenant slug", async () => {
    await sendEmail(env as Env, acme.id, message("ana@example.com", "acme to ana"));
    await sendEmail(env as Env, acme.id, message("bob@example.com", "acme to bob"));
    await sendEmail(env as Env, globex.id, message("ana@example.com", "globex to ana"));
    expect((await listed("?to=ANA@example.com")).map((e) => e.subject)).toEqual(["globex to ana", "acme to ana"]);
    expect((await listed("?tenant=acme")).map((e) => e.subject)).toEqual(["acme to bob", "acme to ana"]);
    expect((await listed("?tenant=globex&to=ana@example.com")).map((e) => e.subject)).toEqual(["globex to ana"]);
    expect(await listed("?tenant=nobody")).toEqual([]);
    expect(await listed("?tenant=" + "x".repeat(600))).toEqual([]);
    expect(await listed("?to=nobody@example.com")).toEqual([]);
  });

  it("is not cached", async () => {
    expect((await get("/dev/outbox.json")).headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("/dev/outbox", () => {
  it("shows subjects, recipients and text, newest first, escaped", async () => {
    await sendEmail(env as Env, acme.id, message("ana@example.com", "older"));
    await sendEmail(
      env as Env,
      acme.id,
      message("ana@example.com", `<script>alert("s")</script>`, { text: "code <b>123456</b> & more" }),
    );
    const response = await get("/dev/outbox?to=ana@example.com");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;");
    expect(html).toContain("code &lt;b&gt;123456&lt;/b&gt; &amp; more");
    expect(html).toContain("To ana@example.com");
    expect(html.indexOf("&lt;script&gt;")).toBeLessThan(html.indexOf("older"));
  });

  it("escapes the ?to= filter it repeats", async () => {
    const html = await (await get(`/dev/outbox?to=${encodeURIComponent("<img src=x onerror=alert(1)>")}`)).text();
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("says when it is empty", async () => {
    expect(await (await get("/dev/outbox")).text()).toContain("No emails yet.");
  });
});

describe("outside local development", () => {
  it.each([
    ["another provider", { EMAIL_PROVIDER: "resend", EMAIL_API_KEY: "k", EMAIL_FROM: "a@b.example" }],
    ["no provider", { EMAIL_PROVIDER: undefined }],
    ["a public base URL", { PUBLIC_BASE_URL: "https://id.example.com" }],
  ] as [string, Partial<Env>][])("neither page exists with %s", async (_what, vars) => {
    await sendEmail(env as Env, acme.id, message("ana@example.com", "kept earlier"));
    for (const path of ["/dev/outbox", "/dev/outbox.json", "/dev/outbox.json?to=ana@example.com"]) {
      const response = await get(path, vars);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain("kept earlier");
    }
  });
});
