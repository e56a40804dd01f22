/** @jsxImportSource hono/jsx */
// Profile: the name fields and the tenant's attributes (built-in claims and custom
// attributes), checked exactly as sign-up checks them; saved in one write with its audit.
import { Hono, type Context } from "hono";
import {
  AttributeInputs,
  attributeFields,
  currentAttributeValues,
  readAttributeInput,
  type AttributeField,
} from "../attributes";
import type { AttributeDefinition, Tenant } from "../directory";
import type { AppEnv } from "../env";
import type { AttributeRequirement } from "../storage/schema";
import { errorSummary } from "../ui/form-errors";
import { htmlPage } from "../ui/render";
import { AccountFrame, noticeOf, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";

export const profileSection = new Hono<AppEnv>();

/**
 * What the page edits: the names, then everything the tenant collects (sign-up and
 * profiling attributes, every custom attribute), each once, required as at sign-up.
 */
export function accountAttributes(tenant: Tenant, definitions: readonly AttributeDefinition[]): AttributeRequirement[] {
  const wanted: AttributeRequirement[] = [
    { name: "given_name", required: false },
    { name: "family_name", required: false },
    ...tenant.profilingRules.flatMap((rule) => rule.attributes.map((a) => ({ name: a.name, required: false }))),
    ...definitions.map((d) => ({ name: d.name, required: false })),
  ];
  const required = new Map(tenant.signUpAttributes.map((a) => [a.name, a.required]));
  const ordered = [...tenant.signUpAttributes, ...wanted];
  const seen = new Set<string>();
  return ordered
    .filter((a) => !seen.has(a.name) && seen.add(a.name))
    .map((a) => ({ name: a.name, required: required.get(a.name) ?? false }));
}

async function fieldsOf(account: Account): Promise<AttributeField[]> {
  const definitions = await account.directory.attributes.list();
  return attributeFields(
    accountAttributes(account.tenant, definitions),
    definitions,
    account.page.t,
    account.page.locale,
  );
}

function render(
  c: Context<AppEnv>,
  account: Account,
  fields: AttributeField[],
  values: Record<string, string>,
  errors: Record<string, string>,
  notice: ReturnType<typeof noticeOf>,
  status: 200 | 400 = 200,
) {
  const { page, tenant, user, csrf } = account;
  const { t } = page;
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="profile"
      title={t("account.profileTitle")}
      notice={notice}
      error={errorSummary(errors, t("account.fixErrors"))}
    >
      <dl class="facts">
        <dt>{t("account.email")}</dt>
        <dd>
          {user.email ?? t("account.none")} <a href={sectionPath(tenant, "email")}>{t("account.changeEmail")}</a>
        </dd>
      </dl>
      <form method="post" action={sectionPath(tenant, "profile")} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <AttributeInputs fields={fields} values={values} errors={errors} t={t} />
        <button type="submit">{t("account.save")}</button>
      </form>
    </AccountFrame>,
    status,
  );
}

profileSection.get("/", (c) =>
  withAccount(c, "profile", async (account) => {
    const fields = await fieldsOf(account);
    return render(c, account, fields, currentAttributeValues(account.user, fields), {}, noticeOf(c.req.query("done")));
  }),
);

profileSection.post("/", (c) =>
  withAccount(c, "profile", async (account, form) => {
    const { directory, user, page } = account;
    const fields = await fieldsOf(account);
    const input = readAttributeInput(fields, form, page.t);
    if (Object.keys(input.errors).length) return render(c, account, fields, input.typed, input.errors, null, 400);
    const custom = { ...user.customAttributes };
    for (const [name, value] of Object.entries(input.custom)) {
      if (value === null) delete custom[name];
      else custom[name] = value;
    }
    await directory.users.update(user.id, { ...input.profile, customAttributes: custom }, undefined, {
      type: "user.updated",
      actorType: "user",
      actorId: user.id,
      details: { source: "account", fields: fields.map((f) => f.name) },
    });
    return c.redirect(sectionPath(account.tenant, "profile", "profile"), 303);
  }),
);
