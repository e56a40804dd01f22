// Texts of the hosted pages and emails a tenant words its own way, per language. A text
// must keep exactly the catalog's {placeholders}: a missing {code} would send emails
// without their code, an unknown one would show braces to customers.
import * as z from "zod/mini";
import { CATALOG, isLocale, placeholdersOf, type Locale, type MessageKey } from "../../i18n";
import { notFound, pointerTo, Problem, type FieldError } from "../problem";
import { defineRoute, managementAudit, type AdminContext } from "../route";
import { textsQuery, textsSchema, textsUpdateSchema } from "../schemas/texts";

const params = z.object({ tenant: z.string(), locale: z.string() });

function localeOf(value: string): Locale {
  if (!isLocale(value)) throw notFound(`there are no texts in '${value}'; the languages are en, de, fr and es`);
  return value;
}

function placeholderErrors(locale: Locale, changes: Record<string, string | null>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) continue;
    const expected = placeholdersOf(CATALOG[locale][key as MessageKey]);
    const given = placeholdersOf(value);
    if (expected.join() === given.join()) continue;
    const list = (names: string[]) => (names.length ? names.map((n) => `{${n}}`).join(", ") : "no placeholders");
    errors.push({
      pointer: pointerTo([key]),
      detail: `'${key}' must use exactly the placeholders of the default text: ${list(expected)} (found ${list(given)})`,
    });
  }
  return errors;
}

async function present(c: AdminContext, locale: Locale, overrides: Record<string, string>, withDefaults: boolean) {
  return c.json({ locale, overrides, ...(withDefaults ? { defaults: CATALOG[locale] } : {}) });
}

export const textRoutes = [
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/texts/{locale}",
    operationId: "getTexts",
    summary: "Get the tenant's texts in one language",
    description: "The tenant's own texts; `?include=defaults` adds the catalog's, to see what can be changed.",
    tag: "Texts",
    scope: "branding:read",
    access: "tenant",
    params,
    query: textsQuery,
    responses: { 200: { description: "The texts", schema: textsSchema } },
    async handler(c, { params, query }) {
      const locale = localeOf(params.locale);
      return present(c, locale, await c.var.directory.appearance.texts(locale), query.include === "defaults");
    },
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}/texts/{locale}",
    operationId: "updateTexts",
    summary: "Change the tenant's texts in one language",
    description:
      "Sets the texts given (by message key) and removes those sent as `null`, all or nothing. A text keeps exactly the {placeholders} of the default. Pages and emails show the change at once.",
    tag: "Texts",
    scope: "branding:write",
    access: "tenant",
    params,
    body: textsUpdateSchema,
    responses: { 200: { description: "The tenant's texts in this language after the change", schema: textsSchema } },
    async handler(c, { params, body }) {
      const locale = localeOf(params.locale);
      const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Record<
        string,
        string | null
      >;
      const errors = placeholderErrors(locale, changes);
      if (errors.length)
        throw new Problem(
          "validation-failed",
          errors.length > 1 ? `${errors[0]!.detail} (and ${errors.length - 1} more)` : errors[0]!.detail,
          errors,
        );
      const keys = Object.keys(changes).sort();
      const texts = keys.length
        ? await c.var.directory.appearance.updateTexts(
            locale,
            changes,
            managementAudit(c, "texts.updated", {
              locale,
              set: keys.filter((k) => changes[k] !== null),
              removed: keys.filter((k) => changes[k] === null),
            }),
          )
        : await c.var.directory.appearance.texts(locale);
      return present(c, locale, texts, false);
    },
  }),
];
