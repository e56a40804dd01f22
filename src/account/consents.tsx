/** @jsxImportSource hono/jsx */
// Consents and preferences: what the user accepted (terms, privacy policy, with their
// versions) and the marketing choice, which the user can change here; each change is a
// new consent record (source "account"), so the history stays complete.
import { Hono, type Context } from "hono";
import type { ConsentRecord } from "../directory";
import type { AppEnv } from "../env";
import type { MessageKey } from "../i18n";
import type { ConsentPurpose } from "../storage/schema";
import { htmlPage } from "../ui/render";
import { AccountFrame, formatTime, noticeOf, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";

export const consentsSection = new Hono<AppEnv>();

const PURPOSES: Record<ConsentPurpose, MessageKey> = {
  terms: "account.purposeTerms",
  privacy: "account.purposePrivacy",
  marketing: "account.purposeMarketing",
};

async function render(c: Context<AppEnv>, account: Account, error: string | null = null, status: 200 | 400 = 200) {
  const { page, tenant, directory, user, csrf } = account;
  const { t } = page;
  const history = await directory.consentRecords.history(user.id);
  const current = new Map<ConsentPurpose, ConsentRecord>();
  for (const record of history) current.set(record.purpose, record);
  const marketing = current.get("marketing");
  const describe = (record: ConsentRecord) =>
    t(record.granted ? "account.consentGiven" : "account.consentWithdrawn", {
      version: record.policyVersion,
      time: formatTime(page, record.createdAt),
    });
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="consents"
      title={t("account.consentsTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={error}
    >
      <dl class="facts">
        {(["terms", "privacy"] as const).map((purpose) => {
          const record = current.get(purpose);
          return (
            <>
              <dt>{t(PURPOSES[purpose])}</dt>
              <dd>{record ? describe(record) : t("account.consentNone")}</dd>
            </>
          );
        })}
      </dl>
      {tenant.marketingConsentVersion ? (
        <form method="post" action={sectionPath(tenant, "consents")}>
          <input type="hidden" name="csrf" value={csrf} />
          <label class="check" for="marketing">
            <input
              type="checkbox"
              id="marketing"
              name="marketing"
              value="on"
              checked={marketing?.granted === true}
              aria-describedby="marketing-state"
            />
            <span>{t("account.marketingLabel", { tenant: page.tenantName })}</span>
          </label>
          <p class="muted" id="marketing-state">
            {marketing ? describe(marketing) : t("account.consentNone")}
          </p>
          <button type="submit">{t("account.save")}</button>
        </form>
      ) : null}
      {history.length ? (
        <>
          <h2>{t("account.consentHistory")}</h2>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("account.consentPurpose")}</th>
                  <th scope="col">{t("account.consentState")}</th>
                </tr>
              </thead>
              <tbody>
                {[...history].reverse().map((record) => (
                  <tr>
                    <td>{t(PURPOSES[record.purpose])}</td>
                    <td>{describe(record)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </AccountFrame>,
    status,
  );
}

consentsSection.get("/", (c) => withAccount(c, "consents", (account) => render(c, account)));

consentsSection.post("/", (c) =>
  withAccount(c, "consents", async (account, form) => {
    const { tenant, directory, user, page } = account;
    const version = tenant.marketingConsentVersion;
    if (!version) return render(c, account, page.t("account.marketingNotOffered"), 400);
    if (form.marketing !== undefined && form.marketing !== "on")
      return render(c, account, page.t("account.marketingInvalid"), 400);
    const granted = form.marketing === "on";
    const marketing = (await directory.consentRecords.current(user.id)).marketing;
    // An unchanged choice adds no record: the history holds only what the user decided.
    if (!marketing || marketing.granted !== granted || marketing.policyVersion !== version)
      await directory.consentRecords.record(
        user.id,
        [{ purpose: "marketing", policyVersion: version, granted, source: "account" }],
        {
          type: granted ? "consent.marketing_granted" : "consent.marketing_withdrawn",
          actorType: "user",
          actorId: user.id,
          details: { source: "account", version },
        },
      );
    return c.redirect(sectionPath(tenant, "consents", "consents"), 303);
  }),
);
