// A minimal browser for flows inside workerd: a cookie jar honouring Path, Max-Age and
// deletion, manual redirects, and form reading from the HTML the pages return.
import { BASE, send } from "../helpers";

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expires: number;
}

export class Browser {
  /** Keyed by name and path, as browsers do: two interactions in two tabs each keep their cookie. */
  private cookies = new Map<string, StoredCookie>();
  userAgent = "latchkey-test-browser";
  /** Sent as CF-Connecting-IP (unless the request sets its own); an empty string sends none. */
  ip = "203.0.113.7";
  /** Headers added to every request (a request's own headers win). */
  extraHeaders: Record<string, string> = {};
  /** Answers the passkey offer after sign-up with "Not now", as most suites' customers would. */
  declinePasskeyOffer = true;
  /** The URL of the last request made: where a navigation ended. */
  lastUrl: string | undefined;

  private live(): StoredCookie[] {
    const now = Date.now();
    return [...this.cookies.values()].filter((c) => c.expires > now);
  }

  cookieHeader(url: URL): string {
    return this.live()
      .filter((c) => url.pathname.startsWith(c.path))
      .sort((a, b) => b.path.length - a.path.length) // RFC 6265 5.4: longer paths first
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  /** The value of a live cookie of that name (the one set last, when several paths hold one). */
  cookie(name: string): string | undefined {
    return this.live()
      .filter((c) => c.name === name)
      .at(-1)?.value;
  }

  cookieNames(): string[] {
    return [...new Set(this.live().map((c) => c.name))];
  }

  /** Puts a cookie in the jar by hand (forged or copied from another browser). */
  setCookie(name: string, value: string, path = "/"): void {
    this.store({ name, value, path, expires: Number.POSITIVE_INFINITY });
  }

  /** Drops every cookie of that name, whatever its path. */
  deleteCookie(name: string): void {
    for (const [key, c] of this.cookies) if (c.name === name) this.cookies.delete(key);
  }

  private store(cookie: StoredCookie) {
    const key = `${cookie.name}\u0000${cookie.path}`;
    this.cookies.delete(key); // re-inserted last: cookie(name) prefers the newest
    if (cookie.expires > Date.now()) this.cookies.set(key, cookie);
  }

  private remember(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";").map((part) => part.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = "/";
      let expires = Number.POSITIVE_INFINITY;
      for (const attribute of attributes) {
        const [key, raw] = attribute.split("=");
        if (key!.toLowerCase() === "path") path = raw ?? "/";
        if (key!.toLowerCase() === "max-age") expires = Date.now() + Number(raw) * 1000;
      }
      this.store({ name, value, path, expires });
    }
  }

  async fetch(target: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(target, BASE);
    const headers = new Headers(this.extraHeaders);
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    const cookie = this.cookieHeader(url);
    if (cookie) headers.set("Cookie", cookie);
    headers.set("User-Agent", this.userAgent);
    if (this.ip && !headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", this.ip);
    const response = await send(new Request(url, { ...init, headers, redirect: "manual" }));
    this.remember(response);
    this.lastUrl = url.toString();
    return response;
  }

  /** Follows 3xx within our origin; returns the first response that is not one of ours redirecting. */
  async navigate(target: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.fetch(target, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const location = new URL(response.headers.get("Location")!, BASE);
      if (location.origin !== new URL(BASE).origin) return response;
      // "Not now" on the passkey offer after sign-up leads back to the interaction.
      if (this.declinePasskeyOffer && location.pathname.endsWith("/passkey/offer"))
        location.pathname = location.pathname.slice(0, -"/passkey/offer".length);
      response = await this.fetch(location.toString());
    }
    return response;
  }

  /** Submits the page's form (the one whose action contains `actionPart`), as a browser would. */
  async submit(page: string, actionPart: string, values: Record<string, string>): Promise<Response> {
    const form = findForm(page, actionPart);
    const body = new URLSearchParams({ ...form.fields, ...values });
    return this.navigate(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(BASE).origin },
      body,
    });
  }

  /**
   * Posts the page's form without following the answer (to see the POST's own response);
   * `headers` replace the browser's defaults (Origin, Content-Type) and `omit` drops fields.
   */
  async post(
    page: string,
    actionPart: string,
    values: Record<string, string>,
    options: { headers?: Record<string, string>; omit?: string[] } = {},
  ): Promise<Response> {
    const form = findForm(page, actionPart);
    const fields: Record<string, string> = { ...form.fields, ...values };
    for (const name of options.omit ?? []) delete fields[name];
    return this.fetch(form.action, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: new URL(BASE).origin,
        ...options.headers,
      },
      body: new URLSearchParams(fields),
    });
  }
}

export function findForm(page: string, actionPart: string): { action: string; fields: Record<string, string> } {
  const forms = [...page.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => f[1]!.replaceAll("&amp;", "&").includes(actionPart));
  if (!form) throw new Error(`no form posting to ${actionPart} in:\n${page.slice(0, 2000)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = unescapeHtml(value ?? "");
  }
  return { action: unescapeHtml(form[1]!), fields };
}

/** Undoes the escaping of an HTML attribute value (named and numeric character references). */
export function unescapeHtml(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#")
      return String.fromCodePoint(ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return named[ref.toLowerCase()] ?? whole;
  });
}
