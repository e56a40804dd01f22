// A minimal browser for the sign-in flows the benchmark drives once per user: a cookie jar
// honouring Path and Max-Age, manual redirects followed within one origin, and the forms of
// the HTML pages it is given (same approach as test/workers/flows/browser.ts).

export class Browser {
  /** @param {string} origin */
  constructor(origin) {
    this.origin = origin;
    /** @type {Map<string, { value: string, path: string, expires: number }>} */
    this.cookies = new Map();
  }

  /** @param {URL} url */
  cookieHeader(url) {
    const now = Date.now();
    return [...this.cookies.entries()]
      .filter(([, c]) => c.expires > now && url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  /** @param {string} name */
  cookie(name) {
    const stored = this.cookies.get(name);
    return stored && stored.expires > Date.now() ? stored.value : undefined;
  }

  /** @param {string} name @param {string} value */
  setCookie(name, value) {
    this.cookies.set(name, { value, path: "/", expires: Number.POSITIVE_INFINITY });
  }

  /** @param {Response} response */
  remember(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = "/";
      let expires = Number.POSITIVE_INFINITY;
      for (const attribute of attributes) {
        const [key = "", raw] = attribute.split("=");
        if (key.toLowerCase() === "path") path = raw ?? "/";
        if (key.toLowerCase() === "max-age") expires = Date.now() + Number(raw) * 1000;
        if (key.toLowerCase() === "expires" && raw && Date.parse(raw) <= Date.now()) expires = 0;
      }
      if (expires <= Date.now()) this.cookies.delete(name);
      else this.cookies.set(name, { value, path, expires });
    }
  }

  /**
   * @param {string} target
   * @param {RequestInit} [init]
   */
  async fetch(target, init = {}) {
    const url = new URL(target, this.origin);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(url);
    if (cookie) headers.set("Cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.remember(response);
    return response;
  }

  /**
   * Follows 3xx within the origin; returns the first response that is not one of ours redirecting.
   * @param {string} target
   * @param {RequestInit} [init]
   */
  async navigate(target, init = {}) {
    let response = await this.fetch(target, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const location = new URL(/** @type {string} */ (response.headers.get("Location")), this.origin);
      if (location.origin !== this.origin) return response;
      await response.arrayBuffer();
      response = await this.fetch(location.toString());
    }
    return response;
  }

  /**
   * Submits the page's form whose action contains `actionPart`, as a browser would.
   * @param {string} page
   * @param {string} actionPart
   * @param {Record<string, string>} values
   */
  async submit(page, actionPart, values) {
    const form = findForm(page, actionPart);
    return this.navigate(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: this.origin },
      body: new URLSearchParams({ ...form.fields, ...values }),
    });
  }
}

/** @param {string} page @param {string} actionPart */
export function findForm(page, actionPart) {
  const forms = [...page.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => (f[1] ?? "").replaceAll("&amp;", "&").includes(actionPart));
  if (!form) throw new Error(`no form posting to ${actionPart} in:\n${page.slice(0, 2000)}`);
  /** @type {Record<string, string>} */
  const fields = {};
  for (const input of (form[2] ?? "").matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = (value ?? "").replaceAll("&amp;", "&").replaceAll("&quot;", '"');
  }
  return { action: (form[1] ?? "").replaceAll("&amp;", "&"), fields };
}
