// The tenant's stylesheet: its colors as the variables the base stylesheet uses, its
// background, then its custom CSS (already checked and normalized when it was saved).
// Served from a URL that changes with every branding change, so browsers may keep it.
import type { BrandingRecord } from "../directory";

export function brandingStylesheetPath(slug: string, branding: BrandingRecord): string {
  return `/t/${slug}/branding/${branding.updatedAt.toString(36)}.css`;
}

/** A CSS string literal for a URL we validated (https, no quotes or newlines in practice). */
function cssUrl(url: string): string {
  return `url("${url.replace(/["\\\n\r]/g, (c) => encodeURIComponent(c))}")`;
}

export function brandingStylesheet(branding: BrandingRecord): string {
  const variables = [
    branding.primaryColor ? `--accent:${branding.primaryColor}` : null,
    branding.backgroundColor ? `--bg:${branding.backgroundColor}` : null,
  ].filter(Boolean);
  return [
    variables.length ? `:root{${variables.join(";")}}` : "",
    branding.backgroundImageUri
      ? `body{background-image:${cssUrl(branding.backgroundImageUri)};background-size:cover;background-position:center}`
      : "",
    branding.customCss ?? "",
  ]
    .filter(Boolean)
    .join("\n");
}
