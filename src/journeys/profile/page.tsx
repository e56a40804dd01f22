/** @jsxImportSource hono/jsx */
// The progressive profiling page: the attributes a rule asks for, and "Skip" when none
// of them is required.
import type { FC } from "hono/jsx";
import { AttributeInputs, type AttributeField } from "../../attributes";
import { ErrorMessage } from "../../ui/form-errors";
import { Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";

export const ProfilePage: FC<{
  page: PageContext;
  clientName: string;
  action: string;
  csrf: string;
  fields: readonly AttributeField[];
  values: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string>>;
  error?: string | null;
}> = ({ page, clientName, action, csrf, fields, values, errors, error }) => {
  const { t } = page;
  const skippable = fields.every((field) => !field.required);
  return (
    <Layout page={page} title={t("profile.title")}>
      <h1>{t("profile.title")}</h1>
      <p class="muted">{t("profile.intro", { client: clientName })}</p>
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <ErrorMessage id="profile-error" message={error} />
        <AttributeInputs fields={fields} values={values} errors={errors} t={t} />
        <button type="submit" name="decision" value="save">
          {t("profile.save")}
        </button>
        {skippable ? (
          <button type="submit" name="decision" value="skip" class="secondary" formnovalidate>
            {t("profile.skip")}
          </button>
        ) : null}
      </form>
    </Layout>
  );
};
