// Every email Latchkey sends, in every language: subject, text and HTML parts, no key or
// {placeholder} left over, the tenant's branding in the HTML, and every value escaped.
import { describe, expect, it } from "vitest";
import type { Appearance, Tenant } from "../../../src/directory";
import { composeEmail, emailFrame, type EmailContent, type EmailKind } from "../../../src/email";
import { DEFAULT_EMAIL_COLOR } from "../../../src/email/compose";
import { CATALOG, fill, LOCALES, type Locale, type MessageKey } from "../../../src/i18n";

const KINDS: Record<EmailKind, EmailContent> = {
  verifyEmail: { code: "123456", minutes: 10, link: "https://latchkey.test/t/acme/verify-email/f1?code=123456" },
  signUp: { code: "234567", minutes: 10 },
  signUpExisting: { link: "https://latchkey.test/t/acme/password-reset" },
  passwordReset: { code: "345678", minutes: 10, link: "https://latchkey.test/t/acme/password-reset/r1" },
  emailCode: { code: "456789", minutes: 10 },
  emailChange: { code: "567890", minutes: 10 },
  emailChanged: { params: { email: "new@example.com" } },
  passwordChanged: {},
  accountDeleted: {},
  secondFactorCode: { code: "678901", minutes: 10 },
  recoveryCodeUsed: { params: { remaining: 9 } },
  factorChanged: {
    link: "https://latchkey.test/t/acme/account/passkeys",
    params: { when: "1 May 2025, 10:00 UTC", device: "macOS (Safari)" },
    texts: { change: "emails.factorChanged.passkeyAdded", details: "emails.factorChanged.whenDevice" },
  },
};

/** A catalog text in `locale` with the test's values in its placeholders (a text placeholder filled first). */
function expected(locale: Locale, key: MessageKey, content: EmailContent): string {
  const values: Record<string, string> = { tenant: "Acme", email: "new@example.com", remaining: "9" };
  for (const [name, value] of Object.entries(content.params ?? {})) values[name] = String(value);
  const fillIn = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  const texts = Object.entries(content.texts ?? {}).map(([name, text]) => [name, fillIn(CATALOG[locale][text])]);
  for (const [name, text] of texts) values[name!] = text!;
  return fillIn(CATALOG[locale][key]);
}

const CHANGES = [
  "passkeyAdded",
  "passkeyRemoved",
  "authenticatorAdded",
  "authenticatorRemoved",
  "recoveryCodesRenewed",
  "adminPasskeyRemoved",
  "adminAuthenticatorRemoved",
  "adminReset",
] as const;

const tenant = { slug: "acme", displayName: "Acme" } as Tenant;
const plain: Appearance = { branding: null, texts: {} };

function branded(
  changes: Partial<NonNullable<Appearance["branding"]>> = {},
  texts: Appearance["texts"] = {},
): Appearance {
  return {
    branding: {
      tenantId: "t1",
      logoUri: "https://cdn.example/acme.png",
      primaryColor: "#1a7f37",
      backgroundColor: null,
      backgroundImageUri: null,
      customCss: null,
      supportUrl: null,
      updatedAt: 1,
      ...changes,
    },
    texts,
  };
}

/** The visible text of an HTML email, roughly: tags out, entities back. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

describe("composeEmail", () => {
  for (const locale of LOCALES)
    for (const [kind, content] of Object.entries(KINDS) as [EmailKind, EmailContent][])
      it(`${kind} in ${locale}: subject, text and HTML, nothing left unfilled`, () => {
        const email = composeEmail(emailFrame(tenant, plain, locale), "ana@example.com", kind, content);
        expect(email.to).toBe("ana@example.com");
        expect(email.fromName).toBe("Acme");
        expect(email.subject).toBe(expected(locale, `emails.${kind}.subject` as MessageKey, content));
        expect(email.html.startsWith('<!doctype html><html lang="' + locale + '">')).toBe(true);
        for (const part of [email.subject, email.text, textOf(email.html)]) {
          expect(part).not.toMatch(/\{\w+\}/);
          expect(part).not.toMatch(/emails\.\w+/);
          expect(part).not.toContain("undefined");
        }
        const intro = expected(locale, `emails.${kind}.intro` as MessageKey, content);
        expect(email.text).toContain(intro);
        expect(textOf(email.html)).toContain(intro);
        expect(email.text).toContain(CATALOG[locale]["emails.sentBy"].replace("{tenant}", "Acme"));
        if (content.code) {
          expect(email.text).toContain(content.code);
          expect(email.html).toContain(content.code);
          expect(email.text).toContain(CATALOG[locale]["emails.codeExpires"].replace("{minutes}", "10"));
        }
        if (content.link) {
          expect(email.text).toContain(content.link);
          expect(email.html).toContain(`href="${content.link}"`);
        }
      });

  for (const locale of LOCALES)
    it(`factorChanged in ${locale}: names each change, when and where, and links to the account`, () => {
      const seen = new Set<string>();
      for (const change of CHANGES) {
        const withDevice = !change.startsWith("admin");
        const content: EmailContent = {
          link: "https://latchkey.test/t/acme/account/mfa",
          params: withDevice
            ? { when: "2 May 2025, 11:30 UTC", device: "Android (Chrome)" }
            : { when: "2 May 2025, 11:30 UTC" },
          texts: {
            change: `emails.factorChanged.${change}`,
            details: withDevice ? "emails.factorChanged.whenDevice" : "emails.factorChanged.when",
          },
        };
        const email = composeEmail(emailFrame(tenant, plain, locale), "ana@example.com", "factorChanged", content);
        const what = CATALOG[locale][`emails.factorChanged.${change}`].replace("{tenant}", "Acme");
        // Each change has its own subject: the change itself, the tenant named.
        expect(email.subject).toBe(what);
        expect(email.subject).toContain("Acme");
        seen.add(email.subject);
        for (const part of [email.text, textOf(email.html)]) {
          expect(part).toContain(what);
          expect(part).toContain("2 May 2025, 11:30 UTC");
          expect(part).toContain(CATALOG[locale]["emails.factorChanged.action"]);
          expect(part).not.toMatch(/\{\w+\}|emails\.\w+|undefined/);
          // "When: …. Browser or device: " and the device; an administrator's change came
          // from no browser of the user's, so it has no such line.
          const beforeDevice = fill(CATALOG[locale]["emails.factorChanged.whenDevice"].split("{device}")[0]!, {
            when: "2 May 2025, 11:30 UTC",
          });
          if (withDevice) expect(part).toContain(`${beforeDevice}Android (Chrome)`);
          else expect(part).not.toContain(beforeDevice);
        }
        expect(email.text).toContain(
          `${CATALOG[locale]["emails.factorChanged.link"]}\nhttps://latchkey.test/t/acme/account/mfa`,
        );
        expect(email.html).toContain(`>${CATALOG[locale]["emails.factorChanged.link"]}</a>`);
      }
      expect(seen.size).toBe(CHANGES.length);
    });

  it("fills a change's text with the tenant's own wording, escaped in the HTML", () => {
    const appearance = branded(
      {},
      { en: { "emails.factorChanged.passkeyRemoved": "<b>Heads up</b>: {tenant} lost a passkey" } },
    );
    const email = composeEmail(emailFrame(tenant, appearance, "en"), "a@example.com", "factorChanged", {
      params: { when: "now", device: "<script>x</script>" },
      texts: { change: "emails.factorChanged.passkeyRemoved", details: "emails.factorChanged.whenDevice" },
    });
    expect(email.subject).toBe("<b>Heads up</b>: Acme lost a passkey");
    expect(email.html).toContain("&lt;b&gt;Heads up&lt;/b&gt;: Acme lost a passkey");
    expect(email.html).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(email.html).not.toMatch(/<b>Heads|<script>x/);
  });

  it("labels a link with the kind's own button text, or 'Or open this link' where it has none", () => {
    const reset = composeEmail(emailFrame(tenant, plain, "de"), "a@example.com", "passwordReset", KINDS.passwordReset);
    expect(reset.html).toContain(`>${CATALOG.de["emails.passwordReset.link"]}</a>`);
    // The code comes first; the link is the alternative.
    expect(reset.text).toContain(`${CATALOG.de["emails.orLink"]}\n${KINDS.passwordReset.link}`);
    const notice = composeEmail(emailFrame(tenant, plain, "fr"), "a@example.com", "passwordChanged", {
      link: "https://latchkey.test/t/acme/account",
    });
    expect(notice.html).toContain(`>${CATALOG.fr["emails.orLink"]}</a>`);
  });

  it("puts the tenant's logo and color in the HTML", () => {
    const email = composeEmail(emailFrame(tenant, branded(), "en"), "a@example.com", "verifyEmail", KINDS.verifyEmail);
    expect(email.html).toContain('<img src="https://cdn.example/acme.png" alt="Acme"');
    expect(email.html).toContain("border-bottom:3px solid #1a7f37");
    expect(email.html).toContain("background:#1a7f37");
  });

  it("shows the tenant's name and the default color without branding", () => {
    const email = composeEmail(emailFrame(tenant, plain, "en"), "a@example.com", "verifyEmail", KINDS.verifyEmail);
    expect(email.html).not.toContain("<img");
    expect(email.html).toContain('<strong style="font-size:18px">Acme</strong>');
    expect(email.html).toContain(`background:${DEFAULT_EMAIL_COLOR}`);
  });

  it("ignores a stored color or logo that is not plainly safe", () => {
    const appearance = branded({
      primaryColor: "red;background-image:url(https://evil.example/t)",
      logoUri: "javascript:alert(1)",
    });
    const email = composeEmail(emailFrame(tenant, appearance, "en"), "a@example.com", "emailCode", KINDS.emailCode);
    expect(email.html).not.toContain("evil.example");
    expect(email.html).not.toContain("javascript:");
    expect(email.html).toContain(DEFAULT_EMAIL_COLOR);
  });

  it("escapes the tenant's name, parameters and links in the HTML and keeps them readable in the text", () => {
    const evil = { slug: "acme", displayName: `Acme <script>alert("x")</script> & Co` } as Tenant;
    const email = composeEmail(emailFrame(evil, plain, "en"), "a@example.com", "emailChanged", {
      params: { email: "<img src=x onerror=alert(1)>@example.com" },
      link: `https://latchkey.test/x?a="><script>alert(1)</script>`,
    });
    expect(email.html).not.toMatch(/<script|<img src=x/);
    expect(email.html).toContain("Acme &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(email.html).toContain("&lt;img src=x onerror=alert(1)&gt;@example.com");
    expect(email.html).toContain('href="https://latchkey.test/x?a=&quot;&gt;&lt;script&gt;');
    expect(email.subject).toBe(`Your Acme <script>alert("x")</script> & Co email address was changed`);
    expect(email.text).toContain("<img src=x onerror=alert(1)>@example.com");
    expect(email.fromName).toBe(evil.displayName);
  });

  it("uses the tenant's own wording in that language only", () => {
    const appearance = branded({}, { de: { "emails.emailCode.subject": "Ihr Code für {tenant} ist da" } });
    expect(
      composeEmail(emailFrame(tenant, appearance, "de"), "a@example.com", "emailCode", KINDS.emailCode).subject,
    ).toBe("Ihr Code für Acme ist da");
    expect(
      composeEmail(emailFrame(tenant, appearance, "fr"), "a@example.com", "emailCode", KINDS.emailCode).subject,
    ).toBe(CATALOG.fr["emails.emailCode.subject"].replace("{tenant}", "Acme"));
  });

  it("escapes a tenant's own wording in the HTML too", () => {
    const appearance = branded({}, { en: { "emails.emailCode.intro": "<b>Bold</b> code:" } });
    const email = composeEmail(emailFrame(tenant, appearance, "en"), "a@example.com", "emailCode", KINDS.emailCode);
    expect(email.html).toContain("&lt;b&gt;Bold&lt;/b&gt; code:");
  });
});
