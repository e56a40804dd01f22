/** @jsxImportSource hono/jsx */
// Every email from one frame: the tenant's name or logo and color, what to do, the code
// in large digits, a button for the link, and who sent it. HTML and plain text carry
// the same content; the HTML is built with hono/jsx, so every value is escaped.
import type { Child } from "hono/jsx";
import type { Appearance, Tenant } from "../directory";
import { HEX_COLOR } from "../branding/colors";
import { isMessageKey, translator, type Locale, type MessageKey, type MessageParams, type Translator } from "../i18n";
import type { EmailMessage } from "./message";

export type EmailKind =
  | "verifyEmail"
  | "signUp"
  | "signUpExisting"
  | "passwordReset"
  | "emailCode"
  | "emailChange"
  | "emailChanged"
  | "passwordChanged"
  | "accountDeleted"
  | "secondFactorCode"
  | "recoveryCodeUsed"
  | "factorChanged";

export interface EmailContent {
  /** A one-time code to show in large digits. */
  code?: string;
  /** The link the button opens (and the text version prints). */
  link?: string;
  /** How long the code lives, in minutes. */
  minutes?: number;
  /** Values for the texts' placeholders besides {tenant}. */
  params?: MessageParams;
  /**
   * Placeholders filled with another of the catalog's texts, in the email's language and
   * the tenant's wording (which change a notice is about); they may use `params`.
   */
  texts?: Record<string, MessageKey>;
}

export interface EmailFrame {
  t: Translator["t"];
  locale: Locale;
  tenantName: string;
  logoUri: string | null;
  color: string;
}

/** The frame of a tenant's emails in one language, from its (cached) appearance. */
export function emailFrame(tenant: Tenant, appearance: Appearance, locale: Locale): EmailFrame {
  return {
    t: translator(locale, appearance.texts[locale]).t,
    locale,
    tenantName: tenant.displayName,
    logoUri: httpsUrl(appearance.branding?.logoUri),
    color: safeColor(appearance.branding?.primaryColor),
  };
}

export const DEFAULT_EMAIL_COLOR = "#0b57d0";

// Both go into style and src attributes: only values that cannot carry anything else.
function safeColor(color: string | null | undefined): string {
  return color && HEX_COLOR.test(color) ? color : DEFAULT_EMAIL_COLOR;
}

function httpsUrl(uri: string | null | undefined): string | null {
  return uri && URL.canParse(uri) && new URL(uri).protocol === "https:" ? uri : null;
}

const key = (kind: EmailKind, part: string) => `emails.${kind}.${part}` as MessageKey;
const HAS_ACTION: ReadonlySet<EmailKind> = new Set(["signUpExisting", "factorChanged"]);
const HAS_OUTRO: ReadonlySet<EmailKind> = new Set(["passwordReset"]);

export function composeEmail(frame: EmailFrame, to: string, kind: EmailKind, content: EmailContent = {}): EmailMessage {
  const { t } = frame;
  const given = { tenant: frame.tenantName, ...content.params };
  const params: MessageParams = { ...given };
  for (const [name, text] of Object.entries(content.texts ?? {})) params[name] = t(text, given);
  const subject = t(key(kind, "subject"), params);
  const intro = t(key(kind, "intro"), params);
  const action = HAS_ACTION.has(kind) ? t(key(kind, "action"), params) : null;
  const outro = HAS_OUTRO.has(kind) ? t(key(kind, "outro"), params) : content.code ? t("emails.ignore") : null;
  const expires = content.code && content.minutes ? t("emails.codeExpires", { minutes: content.minutes }) : null;
  // Kinds without a button text of their own (notices) label a link "Or open this link".
  const linkKey = key(kind, "link");
  const linkLabel = content.link ? t(isMessageKey(linkKey) ? linkKey : "emails.orLink", params) : null;
  const sentBy = t("emails.sentBy", { tenant: frame.tenantName });

  const text = [
    intro,
    content.code ? `\n    ${content.code}\n` : null,
    expires,
    action,
    content.link ? `${content.code ? t("emails.orLink") : linkLabel}\n${content.link}` : null,
    outro,
    `--\n${sentBy}`,
  ]
    .filter((line) => line !== null)
    .join("\n\n");

  const paragraph = (children: Child) => <p style="margin:0 0 16px;font-size:16px;line-height:1.5">{children}</p>;
  const document = (
    <html lang={frame.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{subject}</title>
      </head>
      <body style="margin:0;padding:24px;background:#f6f8fa;color:#1b1f24;font-family:system-ui,-apple-system,'Segoe UI',sans-serif">
        <div style="max-width:520px;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;border-radius:12px;padding:28px">
          <div style={`border-bottom:3px solid ${frame.color};padding-bottom:12px;margin-bottom:20px`}>
            {frame.logoUri ? (
              <img src={frame.logoUri} alt={frame.tenantName} style="max-height:40px;max-width:200px" />
            ) : (
              <strong style="font-size:18px">{frame.tenantName}</strong>
            )}
          </div>
          {paragraph(intro)}
          {content.code ? (
            <p style="margin:0 0 16px;font-size:32px;font-weight:700;letter-spacing:8px;font-family:ui-monospace,monospace">
              {content.code}
            </p>
          ) : null}
          {expires ? paragraph(expires) : null}
          {action ? paragraph(action) : null}
          {content.link ? (
            <p style="margin:0 0 16px">
              <a
                href={content.link}
                style={`display:inline-block;background:${frame.color};color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px`}
              >
                {linkLabel}
              </a>
            </p>
          ) : null}
          {outro ? paragraph(outro) : null}
          <p style="margin:24px 0 0;font-size:13px;color:#57606a">{sentBy}</p>
        </div>
      </body>
    </html>
  ).toString();
  // Synchronous components render to a string; only async ones give a promise.
  if (typeof document !== "string") throw new Error("email templates must render synchronously");
  return { to, fromName: frame.tenantName, subject, text, html: `<!doctype html>${document}` };
}
