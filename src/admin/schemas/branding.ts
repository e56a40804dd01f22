// A tenant's branding in the management API. The display name stays on the tenant; colors
// must keep pages readable and custom CSS must stay within the safe subset
// (src/branding), checked here so a refusal names the field and the declaration at fault.
import * as z from "zod/mini";
import { toRfc3339 } from "../../config";
import { backgroundColorProblem, checkCustomCss, primaryColorProblem } from "../../branding";
import type { BrandingRecord, BrandingSettings } from "../../directory";
import { described, httpsUrlSchema, nullableTimestamp } from "./common";

function colorSchema(problemOf: (color: string) => string | null) {
  return z.string().check(
    z.superRefine((value, ctx) => {
      const problem = problemOf(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    }),
  );
}

/** Custom CSS is stored in the normalized form the checker returns, never as sent. */
const customCssSchema = z.pipe(
  z.string().check(
    z.superRefine((value, ctx) => {
      const checked = checkCustomCss(value);
      if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.problem, input: value });
    }),
  ),
  z.transform((value) => {
    const checked = checkCustomCss(value);
    return checked.ok ? checked.css : "";
  }),
);

const brandingShape = {
  logo_uri: described(z.nullable(httpsUrlSchema), "Logo shown at the top of every page and email"),
  primary_color: described(
    z.nullable(colorSchema(primaryColorProblem)),
    "#rrggbb of buttons and links; must contrast at least 4.5:1 with white",
  ),
  background_color: described(z.nullable(colorSchema(backgroundColorProblem)), "#rrggbb behind the page's card"),
  background_image_uri: described(z.nullable(httpsUrlSchema), "Image behind the page's card"),
  support_url: described(z.nullable(httpsUrlSchema), "Where the pages' Help link leads"),
  custom_css: described(
    z.nullable(customCssSchema),
    "Extra CSS within a safe subset: plain selectors, colors, fonts, spacing and borders; no at-rules, url() or escapes",
  ),
};

const COLUMNS = {
  logo_uri: "logoUri",
  primary_color: "primaryColor",
  background_color: "backgroundColor",
  background_image_uri: "backgroundImageUri",
  support_url: "supportUrl",
  custom_css: "customCss",
} as const satisfies Record<keyof typeof brandingShape, keyof BrandingSettings>;

/** PUT: every field; one left out is cleared. */
export const brandingReplaceSchema = z.strictObject(
  Object.fromEntries(Object.entries(brandingShape).map(([k, v]) => [k, z.optional(v)])) as {
    [K in keyof typeof brandingShape]: z.ZodMiniOptional<(typeof brandingShape)[K]>;
  },
);

/** PATCH: the fields given; `null` clears one. */
export const brandingUpdateSchema = z.partial(z.strictObject(brandingShape));

export const brandingSchema = z.object({
  logo_uri: z.nullable(z.string()),
  primary_color: z.nullable(z.string()),
  background_color: z.nullable(z.string()),
  background_image_uri: z.nullable(z.string()),
  support_url: z.nullable(z.string()),
  custom_css: z.nullable(z.string()),
  updated_at: described(nullableTimestamp, "Null until the branding is first set"),
});

type BrandingBody = z.infer<typeof brandingUpdateSchema>;

export function brandingChangesFrom(body: BrandingBody, replace: boolean): Partial<BrandingSettings> {
  const changes: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = body[field as keyof BrandingBody];
    // Colors are stored lower-case, so what is shown is what is served.
    if (value !== undefined)
      changes[column] = value === "" ? null : column.endsWith("Color") && value ? value.toLowerCase() : value;
    else if (replace) changes[column] = null;
  }
  return changes as Partial<BrandingSettings>;
}

export function presentBranding(branding: BrandingRecord | null): z.infer<typeof brandingSchema> {
  return {
    logo_uri: branding?.logoUri ?? null,
    primary_color: branding?.primaryColor ?? null,
    background_color: branding?.backgroundColor ?? null,
    background_image_uri: branding?.backgroundImageUri ?? null,
    support_url: branding?.supportUrl ?? null,
    custom_css: branding?.customCss ?? null,
    updated_at: branding ? toRfc3339(branding.updatedAt) : null,
  };
}
