// The email providers proven over HTTP: the production worker runs with
// EMAIL_PROVIDER=resend or postmark and EMAIL_API_URL pointing at a local node:http
// server that speaks that provider's API (its auth header, its body shape, its answers
// and errors). A real hosted flow, the password reset request page, sends the emails.
// Also the configuration mistakes: the page still answers and the log says what is wrong
// without any of the message.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, TEST_SECRETS } from "./worker-harness.mjs";

// ---------- a provider played by a local server ----------

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class FakeProvider {
  readonly received: Received[] = [];
  /** Answers to give before the normal behaviour resumes, first first. */
  readonly script: Answer[] = [];
  server!: Server;

  constructor(
    readonly kind: "resend" | "postmark",
    public key: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let raw = "";
      request.on("data", (chunk) => (raw += chunk));
      request.on("end", () => {
        let body: any = null;
        try {
          body = JSON.parse(raw);
        } catch {
          /* answered below */
        }
        this.received.push({ path: request.url ?? "", headers: request.headers, body });
        const answer = this.answer(request, body);
        response.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
        response.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, body: any): Answer {
    return this.kind === "resend" ? this.resend(request, body) : this.postmark(request, body);
  }

  // https://resend.com/docs/api-reference/emails/send-email and .../errors
  private resend(request: IncomingMessage, body: any): Answer {
    const error = (status: number, name: string, message: string) => ({
      status,
      body: { statusCode: status, name, message },
    });
    if (request.method !== "POST" || request.url !== "/emails") return error(404, "not_found", "Not found");
    if (!request.headers.authorization)
      return error(401, "missing_api_key", "Missing API key in the authorization header");
    if (request.headers.authorization !== `Bearer ${this.key}`)
      return error(403, "invalid_api_key", "API key is invalid");
    if (!String(request.headers["content-type"]).startsWith("application/json") || !body)
      return error(400, "validation_error", "Invalid JSON");
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const to = Array.isArray(body.to) ? body.to : [body.to];
    if (typeof body.from !== "string" || !/<[^<>@\s]+@[^<>\s]+>$/.test(body.from))
      return error(422, "validation_error", `Invalid \`from\` field: ${body.from}`);
    if (!to.length || to.some((t: unknown) => typeof t !== "string" || !t.includes("@")))
      return error(422, "validation_error", `Invalid \`to\` field: ${to.join(",")}`);
    if (typeof body.subject !== "string" || !body.subject)
      return error(422, "missing_required_field", "Missing `subject`");
    if (typeof body.html !== "string" && typeof body.text !== "string")
      return error(422, "missing_required_field", "Missing `html` or `text`");
    return { status: 200, body: { id: crypto.randomUUID() } };
  }

  // https://postmarkapp.com/developer/api/email-api and .../overview#error-codes
  private postmark(request: IncomingMessage, body: any): Answer {
    if (request.method !== "POST" || request.url !== "/email")
      return { status: 404, body: { ErrorCode: 404, Message: "Not found" } };
    if (request.headers["x-postmark-server-token"] !== this.key)
      return { status: 401, body: { ErrorCode: 10, Message: "Bad or missing Server API token." } };
    if (!String(request.headers["content-type"]).startsWith("application/json") || !body)
      return { status: 422, body: { ErrorCode: 402, Message: "Received invalid JSON input." } };
    const scripted = this.script.shift();
    if (scripted) return scripted;
    if (typeof body.To !== "string" || !body.To.includes("@"))
      return { status: 422, body: { ErrorCode: 300, Message: `Invalid 'To' address: '${body.To}'.` } };
    if (typeof body.From !== "string" || !/<[^<>@\s]+@[^<>\s]+>$/.test(body.From))
      return { status: 422, body: { ErrorCode: 300, Message: `Invalid 'From' address: '${body.From}'.` } };
    if (!body.HtmlBody && !body.TextBody)
      return { status: 422, body: { ErrorCode: 300, Message: "Provide either email TextBody or HtmlBody or both." } };
    return {
      status: 200,
      body: {
        To: body.To,
        SubmittedAt: new Date().toISOString(),
        MessageID: crypto.randomUUID(),
        ErrorCode: 0,
        Message: "OK",
      },
    };
  }

  /** Waits until `count` requests arrived (emails go out after the response). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
    const until = Date.now() + timeoutMs;
    while (this.received.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    expect(this.received.length, `requests to the ${this.kind} server`).toBeGreaterThanOrEqual(count);
    return this.received.slice(0, count);
  }

  /** Asserts that no further request arrives for a while. */
  async expectNoMoreThan(count: number, quietMs = 1_500): Promise<void> {
    await new Promise((r) => setTimeout(r, quietMs));
    expect(this.received.length, `requests to the ${this.kind} server`).toBe(count);
  }

  reset(): void {
    this.received.length = 0;
    this.script.length = 0;
  }
}

// ---------- the worker's log ----------

type Worker = Awaited<ReturnType<typeof startWorker>>;

/** Everything `worker` logged, one line per entry. */
function logOf(worker: Worker): string {
  return worker
    .logs()
    .map((entry) => `${entry.level}: ${entry.message}`)
    .join("\n");
}

/** Waits for a log line matching `pattern` (the email goes out after the response). */
async function logLine(worker: Worker, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = logOf(worker)
      .split("\n")
      .find((l) => pattern.test(l));
    if (line || Date.now() > until) {
      expect(line, `a log line matching ${pattern} in:\n${logOf(worker)}`).toBeTruthy();
      return line!;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------- the tenant, its user and the reset page ----------

async function managementToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/t/system/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${btoa(`${TEST_SECRETS.ADMIN_CLIENT_ID}:${TEST_SECRETS.ADMIN_CLIENT_SECRET}`)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function manage(baseUrl: string, token: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${baseUrl}/admin/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
  return response.json();
}

const EVIL_NAME = `Acme <script>alert("x")</script> & Co`;
const LOGO = "https://cdn.acme.example/logo.png";
const COLOR = "#1a7f37";

/** A tenant "acme" (German by default, branded, with a hostile display name) and users. */
async function seed(baseUrl: string, users: string[]): Promise<void> {
  const token = await managementToken(baseUrl);
  await manage(baseUrl, token, "POST", "/tenants", { slug: "acme", display_name: EVIL_NAME, default_locale: "de" });
  await manage(baseUrl, token, "PUT", "/tenants/acme/branding", { logo_uri: LOGO, primary_color: COLOR });
  for (const email of users)
    await manage(baseUrl, token, "POST", "/tenants/acme/users", {
      email,
      password: "correct horse battery",
      email_verified: true,
    });
}

let requestCounter = 0;

/** Asks for a password reset as a browser would: the form, its CSRF cookie, the POST. */
async function requestReset(baseUrl: string, email: string, acceptLanguage?: string): Promise<Response> {
  const ip = `198.51.100.${++requestCounter}`;
  const language: Record<string, string> = acceptLanguage ? { "Accept-Language": acceptLanguage } : {};
  const page = await fetch(`${baseUrl}/t/acme/password-reset`, { headers: { ...language, "CF-Connecting-IP": ip } });
  expect(page.status).toBe(200);
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(csrf).toBeTruthy();
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return fetch(`${baseUrl}/t/acme/password-reset`, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...language,
      "CF-Connecting-IP": ip,
      Cookie: cookie,
      Origin: new URL(baseUrl).origin,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ csrf: csrf!, email }),
  });
}

/** The page answered as it always does: 303 to the code form. */
function expectAnswered(response: Response): void {
  expect(response.status).toBe(303);
  expect(response.headers.get("Location")).toMatch(/^\/t\/acme\/password-reset\/[\w-]+$/);
}

/** What an email's HTML shows as text. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function expectBrandedAndEscaped(html: string, code: string): void {
  expect(html).toContain(`src="${LOGO}"`);
  expect(html).toContain(COLOR);
  expect(html).not.toMatch(/<script/i);
  expect(html).toContain("Acme &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
  expect(visible(html)).toContain(code);
}

const quotedFrom = `"Acme <script>alert(\\"x\\")</script> & Co" <no-reply@id.acme.example>`;

// ---------- Resend ----------

describe("Resend", () => {
  const provider = new FakeProvider("resend", "re_test_0123456789");
  let worker: Worker;

  beforeAll(async () => {
    await provider.start();
    worker = await startWorker({
      vars: {
        EMAIL_PROVIDER: "resend",
        EMAIL_API_URL: provider.url,
        EMAIL_API_KEY: provider.key,
        EMAIL_FROM: "no-reply@id.acme.example",
      },
    });
    await seed(worker.baseUrl, [
      "ana@example.com",
      "ben@example.com",
      "cleo@example.com",
      "dan@example.com",
      "eve@example.com",
    ]);
  });

  afterAll(async () => {
    await worker?.close();
    await provider.close();
  });

  it("sends the reset email in the tenant's default language, branded and escaped", async () => {
    provider.reset();
    expectAnswered(await requestReset(worker.baseUrl, "ana@example.com"));
    const [request] = await provider.waitFor(1);
    expect(request!.path).toBe("/emails");
    expect(request!.headers.authorization).toBe(`Bearer ${provider.key}`);
    expect(request!.headers["content-type"]).toMatch(/^application\/json/);
    expect(request!.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    const body = request!.body;
    expect(Object.keys(body).sort()).toEqual(["from", "html", "subject", "text", "to"]);
    expect(body.to).toEqual(["ana@example.com"]);
    expect(body.from).toBe(quotedFrom);
    expect(body.subject).toBe(`Setzen Sie Ihr ${EVIL_NAME}-Passwort zurück`);
    const code = /\b(\d{6})\b/.exec(body.text)?.[1];
    expect(code).toBeTruthy();
    expect(body.text).toContain("Geben Sie diesen Code ein");
    expect(body.text).toContain(`/t/acme/password-reset/`);
    expect(body.html).toContain('<html lang="de">');
    expectBrandedAndEscaped(body.html, code!);
  });

  it("follows the browser's Accept-Language over the tenant default", async () => {
    provider.reset();
    expectAnswered(await requestReset(worker.baseUrl, "ben@example.com", "fr-CH, en;q=0.5"));
    const [request] = await provider.waitFor(1);
    expect(request!.body.subject).toBe(`Réinitialisez votre mot de passe ${EVIL_NAME}`);
    expect(request!.body.html).toContain('<html lang="fr">');
    expect(request!.body.text).toContain("Saisissez ce code");
  });

  it("sends nothing for an unknown address, and the page answers the same", async () => {
    provider.reset();
    expectAnswered(await requestReset(worker.baseUrl, "nobody@example.com"));
    await provider.expectNoMoreThan(0);
  });

  it("retries a 429 (after Retry-After) with the same Idempotency-Key, then delivers", async () => {
    provider.reset();
    provider.script.push({
      status: 429,
      headers: { "Retry-After": "1" },
      body: {
        statusCode: 429,
        name: "rate_limit_exceeded",
        message: "Too many requests. You can only make 2 requests per second.",
      },
    });
    expectAnswered(await requestReset(worker.baseUrl, "cleo@example.com"));
    const [first, second] = await provider.waitFor(2);
    expect(second!.headers["idempotency-key"]).toBe(first!.headers["idempotency-key"]);
    expect(second!.body).toEqual(first!.body);
    await provider.expectNoMoreThan(2, 500);
  });

  it("does not retry a 422; the page still answers and the log names neither recipient nor content", async () => {
    provider.reset();
    provider.script.push({
      status: 422,
      body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field: dan@example.com" },
    });
    expectAnswered(await requestReset(worker.baseUrl, "dan@example.com"));
    const [request] = await provider.waitFor(1);
    await provider.expectNoMoreThan(1);
    const line = await logLine(
      worker,
      /email 'passwordReset' for tenant \S+ not sent: Resend answered 422 \(validation_error\)/,
    );
    const code = /\b(\d{6})\b/.exec(request!.body.text)![1]!;
    const log = logOf(worker);
    expect(line).not.toContain("dan@example.com");
    expect(log).not.toContain("dan@example.com");
    expect(log).not.toContain(code);
    expect(log).not.toContain("Invalid `to` field");
  });

  it("gives up after three attempts when the provider keeps failing", async () => {
    provider.reset();
    for (let i = 0; i < 5; i++)
      provider.script.push({ status: 503, body: { statusCode: 503, name: "internal_server_error", message: "x" } });
    expectAnswered(await requestReset(worker.baseUrl, "eve@example.com"));
    await provider.waitFor(3);
    await provider.expectNoMoreThan(3);
    await logLine(worker, /not sent: Resend answered 503 \(internal_server_error\)/);
  });

  it("logs a refused key without the key", async () => {
    provider.reset();
    const real = provider.key;
    provider.key = "re_rotated";
    try {
      expectAnswered(await requestReset(worker.baseUrl, "ana@example.com"));
      await provider.waitFor(1);
      await provider.expectNoMoreThan(1); // 403 is final
      const line = await logLine(worker, /not sent: Resend answered 403 \(invalid_api_key\)/);
      expect(logOf(worker)).not.toContain(real);
      expect(line).not.toContain("ana@example.com");
    } finally {
      provider.key = real;
    }
  });
});

// ---------- Postmark ----------

describe("Postmark", () => {
  const provider = new FakeProvider("postmark", "pm-server-token-1234");
  let worker: Worker;

  beforeAll(async () => {
    await provider.start();
    worker = await startWorker({
      vars: {
        EMAIL_PROVIDER: "postmark",
        EMAIL_API_URL: `${provider.url}/`,
        EMAIL_API_KEY: provider.key,
        EMAIL_FROM: "no-reply@id.acme.example",
      },
    });
    await seed(worker.baseUrl, ["ana@example.com", "ben@example.com", "cleo@example.com", "dan@example.com"]);
  });

  afterAll(async () => {
    await worker?.close();
    await provider.close();
  });

  it("sends the reset email with the server token, in the browser's language, branded and escaped", async () => {
    provider.reset();
    expectAnswered(await requestReset(worker.baseUrl, "ana@example.com", "es-419,es;q=0.9"));
    const [request] = await provider.waitFor(1);
    expect(request!.path).toBe("/email");
    expect(request!.headers["x-postmark-server-token"]).toBe(provider.key);
    expect(request!.headers.accept).toBe("application/json");
    const body = request!.body;
    expect(Object.keys(body).sort()).toEqual(["From", "HtmlBody", "MessageStream", "Subject", "TextBody", "To"]);
    expect(body.To).toBe("ana@example.com");
    expect(body.From).toBe(quotedFrom);
    expect(body.MessageStream).toBe("outbound");
    expect(body.Subject).toBe(`Restablece tu contraseña de ${EVIL_NAME}`);
    const code = /\b(\d{6})\b/.exec(body.TextBody)![1]!;
    expect(body.HtmlBody).toContain('<html lang="es">');
    expectBrandedAndEscaped(body.HtmlBody, code);
  });

  it("uses the tenant default (German) without Accept-Language", async () => {
    provider.reset();
    expectAnswered(await requestReset(worker.baseUrl, "ben@example.com"));
    const [request] = await provider.waitFor(1);
    expect(request!.body.Subject).toBe(`Setzen Sie Ihr ${EVIL_NAME}-Passwort zurück`);
  });

  it("retries a 429 and delivers", async () => {
    provider.reset();
    provider.script.push({ status: 429, body: { ErrorCode: 429, Message: "Rate limit exceeded." } });
    expectAnswered(await requestReset(worker.baseUrl, "cleo@example.com"));
    await provider.waitFor(2);
    await provider.expectNoMoreThan(2, 500);
  });

  it("does not retry a 422, and logs the ErrorCode without Postmark's message (it quotes the address)", async () => {
    provider.reset();
    provider.script.push({
      status: 422,
      body: { ErrorCode: 300, Message: "Invalid 'To' address: 'dan@example.com'." },
    });
    expectAnswered(await requestReset(worker.baseUrl, "dan@example.com"));
    await provider.waitFor(1);
    await provider.expectNoMoreThan(1);
    await logLine(worker, /not sent: Postmark answered 422 \(ErrorCode 300\)/);
    expect(logOf(worker)).not.toContain("dan@example.com");
  });

  it("does not retry a 401 for a wrong token", async () => {
    provider.reset();
    const real = provider.key;
    provider.key = "rotated";
    try {
      expectAnswered(await requestReset(worker.baseUrl, "ana@example.com"));
      await provider.waitFor(1);
      await provider.expectNoMoreThan(1);
      await logLine(worker, /not sent: Postmark answered 401 \(ErrorCode 10\)/);
    } finally {
      provider.key = real;
    }
  });
});

// ---------- configuration mistakes ----------

describe("email configuration mistakes", () => {
  it.each([
    ["an unknown EMAIL_PROVIDER", { EMAIL_PROVIDER: "smtp" }, /EMAIL_PROVIDER must be outbox, resend or postmark/],
    [
      "resend without EMAIL_API_KEY",
      { EMAIL_PROVIDER: "resend", EMAIL_FROM: "no-reply@id.acme.example" },
      /EMAIL_API_KEY is needed/,
    ],
    [
      "the outbox on a public address",
      { EMAIL_PROVIDER: "outbox", PUBLIC_BASE_URL: "https://id.acme.example" },
      /outbox is for local development/,
    ],
  ] as [string, Record<string, string>, RegExp][])(
    "%s: the page still answers and the log says why",
    async (_what, vars, reason) => {
      const worker = await startWorker({ vars });
      try {
        // A public PUBLIC_BASE_URL: the worker is still reached on loopback, forms must come from that origin.
        const baseUrl = worker.baseUrl;
        await seed(baseUrl, ["ana@example.com"]);
        const response = vars.PUBLIC_BASE_URL
          ? await requestResetAs(baseUrl, vars.PUBLIC_BASE_URL, "ana@example.com")
          : await requestReset(baseUrl, "ana@example.com");
        expectAnswered(response);
        const line = await logLine(
          worker,
          new RegExp(`email 'passwordReset' for tenant \\S+ not sent: .*${reason.source}`),
        );
        expect(line).not.toContain("ana@example.com");
        expect(logOf(worker)).not.toContain("ana@example.com");
        // The dev outbox does not exist there either.
        if (vars.PUBLIC_BASE_URL) expect((await fetch(`${baseUrl}/dev/outbox.json`)).status).toBe(404);
      } finally {
        await worker.close();
      }
    },
  );
});

/** requestReset for a worker that believes it lives at `origin` (the Origin header must say so). */
async function requestResetAs(baseUrl: string, origin: string, email: string): Promise<Response> {
  const page = await fetch(`${baseUrl}/t/acme/password-reset`, { headers: { "CF-Connecting-IP": "198.51.100.200" } });
  expect(page.status).toBe(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return fetch(`${baseUrl}/t/acme/password-reset`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "CF-Connecting-IP": "198.51.100.200",
      Cookie: cookie,
      Origin: new URL(origin).origin,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ csrf, email }),
  });
}
