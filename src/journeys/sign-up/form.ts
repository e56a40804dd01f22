// Reading a submitted sign-up form: the address, the password (NIST rules), the
// attributes the tenant collects and the consents. Pure: no I/O, so every refusal is
// decided here and shown by the page with what the user typed (never the password).
import { readAttributeInput, type AttributeField } from "../../attributes";
import { normalizeEmail, type ConsentRecordInput, type Tenant, type UserProfile } from "../../directory";
import type { Translator } from "../../i18n";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordIssue } from "../../passwords";
import type { SignUpFormState } from "./page";

export interface SignUpSubmission {
  email: string;
  password: string;
  profile: UserProfile;
  custom: Record<string, unknown>;
  consents: ConsentRecordInput[];
}

type LegalTenant = Pick<
  Tenant,
  "termsUrl" | "termsVersion" | "privacyUrl" | "privacyVersion" | "marketingConsentVersion"
>;

export function legalDocumentsOf(tenant: LegalTenant) {
  return { terms: tenant.termsUrl, privacy: tenant.privacyUrl };
}

/** The consent records a sign-up writes: the legal documents accepted, marketing yes or no. */
function consentsOf(tenant: LegalTenant, marketing: boolean): ConsentRecordInput[] {
  const records: ConsentRecordInput[] = [];
  // A document without a version is recorded by its URL: still traceable to what was shown.
  if (tenant.termsUrl)
    records.push({
      purpose: "terms",
      policyVersion: tenant.termsVersion ?? tenant.termsUrl,
      granted: true,
      source: "sign_up",
    });
  if (tenant.privacyUrl)
    records.push({
      purpose: "privacy",
      policyVersion: tenant.privacyVersion ?? tenant.privacyUrl,
      granted: true,
      source: "sign_up",
    });
  if (tenant.marketingConsentVersion)
    records.push({
      purpose: "marketing",
      policyVersion: tenant.marketingConsentVersion,
      granted: marketing,
      source: "sign_up",
    });
  return records;
}

export function readSignUpForm(
  form: Readonly<Record<string, string>>,
  tenant: LegalTenant,
  fields: readonly AttributeField[],
  t: Translator["t"],
): { ok: true; submission: SignUpSubmission } | { ok: false; state: SignUpFormState } {
  const email = (form.email ?? "").trim();
  const password = form.password ?? "";
  const legalAccepted = Boolean(form.legal);
  const marketing = Boolean(tenant.marketingConsentVersion && form.marketing);
  const attributes = readAttributeInput(fields, form, t);
  const errors: Record<string, string> = { ...attributes.errors };

  if (!email) errors.email = t("signUp.errorEmailMissing");
  else if (!normalizeEmail(email)) errors.email = t("signUp.errorEmailInvalid");
  if (!password) errors.password = t("signUp.errorPasswordMissing");
  else {
    const issue = passwordIssue(password);
    if (issue === "too_short") errors.password = t("signUp.errorPasswordTooShort", { min: PASSWORD_MIN_LENGTH });
    if (issue === "too_long") errors.password = t("signUp.errorPasswordTooLong", { max: PASSWORD_MAX_LENGTH });
    if (issue === "common") errors.password = t("signUp.errorPasswordCommon");
  }
  if ((tenant.termsUrl || tenant.privacyUrl) && !legalAccepted) errors.legal = t("signUp.errorLegal");

  if (Object.keys(errors).length > 0) {
    const values = {
      ...attributes.typed,
      email: email.slice(0, 254),
      ...(legalAccepted ? { legal: "on" } : {}),
      ...(marketing ? { marketing: "on" } : {}),
    };
    return { ok: false, state: { values, errors, summary: t("signUp.errorSummary") } };
  }
  return {
    ok: true,
    submission: {
      email,
      password,
      profile: attributes.profile,
      custom: attributes.custom,
      consents: consentsOf(tenant, marketing),
    },
  };
}
