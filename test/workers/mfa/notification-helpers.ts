// The security notices of src/mfa/mail.ts (`factorChanged`) as the dev outbox holds them:
// which change each names, known by its English subject; and what every one must carry.
import { expect } from "vitest";
import { CATALOG } from "../../../src/i18n";
import type { FactorChange } from "../../../src/mfa/mail";
import { BASE } from "../helpers";
import { emailsTo, linkIn, type SentEmail } from "../journeys/journey-helpers";

const CHANGES: readonly FactorChange[] = [
  "passkeyAdded",
  "passkeyRemoved",
  "authenticatorAdded",
  "authenticatorRemoved",
  "recoveryCodesRenewed",
  "adminPasskeyRemoved",
  "adminAuthenticatorRemoved",
  "adminReset",
];

function subjectPattern(change: FactorChange): RegExp {
  const text = CATALOG.en[`emails.factorChanged.${change}`].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${text.replace("\\{tenant\\}", ".+")}$`);
}

/** The factor-change notices sent to `to`, newest first. */
export async function factorNotices(to: string): Promise<{ change: FactorChange; email: SentEmail }[]> {
  return (await emailsTo(to)).flatMap((email) => {
    const change = CHANGES.find((candidate) => subjectPattern(candidate).test(email.subject));
    return change ? [{ change, email }] : [];
  });
}

/**
 * Expects the notices to `to` to be exactly `changes` (newest first); checks that the newest
 * says when, links to the account's `section`, and carries none of `secrets`. Returns it.
 */
export async function expectNotices(
  to: string,
  changes: readonly FactorChange[],
  options: { section?: "passkeys" | "mfa"; secrets?: readonly string[]; slug?: string } = {},
): Promise<SentEmail | undefined> {
  const notices = await factorNotices(to);
  expect(notices.map((notice) => notice.change)).toEqual(changes);
  const newest = notices[0]?.email;
  if (!newest) return undefined;
  expect(newest.text).toMatch(/When: .+ UTC\./);
  expect(newest.text).toContain(CATALOG.en["emails.factorChanged.action"]);
  if (options.section)
    expect(linkIn(newest).href).toBe(`${BASE}/t/${options.slug ?? "acme"}/account/${options.section}`);
  for (const secret of options.secrets ?? []) {
    expect(newest.text).not.toContain(secret);
    expect(newest.html).not.toContain(secret);
  }
  return newest;
}

/** A desktop Firefox on Windows, as a browser would say it. */
export const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0";
