// A minimal browser for flows inside workerd: a cookie jar honouring Path, Max-Age and
// deletion, manual redirects, and form reading from the HTML the pages return.
import { BASE, send } from "../helpers";

interface StoredCookie {
  value: string;
  path: string;
  expires: number;
}

export class Browser {
  private cookies = new Map<string, StoredCookie>();
  userAgent = "latchkey-test-browser";
  ip = "203.0.113.7";

  cookieHeader(url: URL): string {
    const now = Date.now();
    return [...this.cookies.entries()]
      .filter(([, c]) => c.expires > now && url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  cookie(name: string): string | undefined {
    const stored = this.cookies.get(name);
    return stored && stored.expires > Date.now() ? stored.value : undefined;
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()].filter((name) => this.cookie(name) !== undefined);
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
      if (expires <= Date.now()) this.cookies.delete(name);
      else this.cookies.set(name, { value, path, expires });
    }
  }

  async fetch(target: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(target, BASE);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(url);
    if (cookie) headers.set("Cookie", cookie);
    headers.set("User-Agent", this.userAgent);
    headers.set("CF-Connecting-IP", this.ip);
    const response = await send(new Request(url, { ...init, headers, redirect: "manual" }));
    this.remember(response);
    return response;
  }

  /** Follows 3xx within our origin; returns the first response that is not one of ours redirecting. */
  async navigate(target: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.fetch(target, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const location = new URL(response.headers.get("Location")!, BASE);
      if (location.origin !== new URL(BASE).origin) return response;
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
}

export function findForm(page: string, actionPart: string): { action: string; fields: Record<string, string> } {
  const forms = [...page.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => f[1]!.replaceAll("&amp;", "&").includes(actionPart));
  if (!form) throw new Error(`no form posting to ${actionPart} in:\n${page.slice(0, 2000)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = (value ?? "").replaceAll("&amp;", "&").replaceAll("&quot;", '"');
  }
  return { action: form[1]!.replaceAll("&amp;", "&"), fields };
}
