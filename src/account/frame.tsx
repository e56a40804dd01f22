/** @jsxImportSource hono/jsx */
// The frame of every account section: the page layout, the sections' navigation (the
// current one marked), a notice of what was just done, and an error summary.
import type { Child, FC } from "hono/jsx";
import type { Tenant } from "../directory";
import type { MessageKey } from "../i18n";
import { journeyPaths } from "../journeys/paths";
import { ErrorMessage } from "../ui/form-errors";
import { Layout } from "../ui/layout";
import type { PageContext } from "../ui/page";

export const SECTIONS = [
  "profile",
  "email",
  "password",
  "passkeys",
  "mfa",
  "sessions",
  "apps",
  "consents",
  "data",
  "delete",
] as const;
export type Section = (typeof SECTIONS)[number];

/** What a section's GET may announce after a POST (?done=...): fixed texts, never the query's. */
const NOTICES = {
  profile: "account.savedProfile",
  email: "account.savedEmail",
  password: "account.savedPassword",
  session: "account.sessionEnded",
  others: "account.otherSessionsEnded",
  app: "account.appDisconnected",
  consents: "account.savedConsents",
} as const satisfies Record<string, MessageKey>;

export function noticeOf(done: string | undefined): MessageKey | null {
  return done && Object.hasOwn(NOTICES, done) ? NOTICES[done as keyof typeof NOTICES] : null;
}

export type Notice = keyof typeof NOTICES;

export function sectionPath(tenant: Pick<Tenant, "slug">, section: Section | "", done?: Notice): string {
  return `${journeyPaths.account(tenant, section)}${done ? `?done=${done}` : ""}`;
}

export const AccountFrame: FC<{
  page: PageContext;
  tenant: Pick<Tenant, "slug">;
  section: Section;
  title: string;
  notice?: MessageKey | null;
  error?: string | null;
  children?: Child;
}> = ({ page, tenant, section, title, notice, error, children }) => {
  const { t } = page;
  return (
    <Layout page={page} title={title}>
      <nav class="tabs" aria-label={t("account.navigation")}>
        {SECTIONS.map((name) => (
          <a href={journeyPaths.account(tenant, name)} aria-current={name === section ? "page" : undefined}>
            {t(`account.nav.${name}`)}
          </a>
        ))}
        <a href={`/t/${tenant.slug}/logout`}>{t("account.signOut")}</a>
      </nav>
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {t(notice)}
        </p>
      ) : null}
      <ErrorMessage id="account-error" message={error} />
      {children}
    </Layout>
  );
};

/** A date and time in the page's language, in UTC (the server does not know the user's zone). */
export function formatTime(page: Pick<PageContext, "locale">, seconds: number): string {
  return `${new Intl.DateTimeFormat(page.locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(
    new Date(seconds * 1000),
  )} UTC`;
}
