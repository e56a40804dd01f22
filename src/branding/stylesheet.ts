// The tenant's stylesheet: its colors as the variables the base stylesheet uses, its
// background, then its custom CSS (already checked and normalized when it was saved).
// Served from a URL that changes with every branding change, so browsers may keep it.
import type { BrandingRecord } from "../directory";
import { HEX_COLOR } from "./colors";
import { checkCustomCss } from "./css";

export function brandingStylesheetPath(slug: string, branding: BrandingRecord): string {
  return `/t/${slug}/branding/${branding.updatedAt.toString(36)}.css`;
}

/** A CSS string literal for a URL we validated (https, no quotes or newlines in practice). */
function cssUrl(url: string): string {
  return `url("${url.replace(/["\\\n\r]/g, (c) => encodeURIComponent(c))}")`;
}

/** A stored color, only if it is still a plain #rrggbb (nothing else reaches the CSS). */
function hex(color: string | null): string | null {
  return color && HEX_COLOR.test(color) ? color : null;
}

/** A stored background image, only if it is an https URL (http on a local host). */
function imageUrl(uri: string | null): string | null {
  if (!uri || !URL.canParse(uri)) return null;
  const url = new URL(uri);
  return url.protocol === "https:" || (url.protocol === "http:" && isLocalHost(url.hostname)) ? url.href : null;
}

function isLocalHost(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".localhost");
}

// What is stored was checked when it was saved; it is checked again here because a
// row written by anything else (an old version, a manual fix) must not widen the policy.
export function brandingStylesheet(branding: BrandingRecord): string {
  const primary = hex(branding.primaryColor);
  const background = hex(branding.backgroundColor);
  const image = imageUrl(branding.backgroundImageUri);
  const custom = branding.customCss ? checkCustomCss(branding.customCss) : null;
  const variables = [primary ? `--accent:${primary}` : null, background ? `--bg:${background}` : null].filter(
    Boolean,
  );
  return [
    variables.length ? `:root{${variables.join(";")}}` : "",
    image ? `body{background-image:${cssUrl(image)};background-size:cover;background-position:center}` : "",
    custom?.ok ? custom.css : "",
  ]
    .filter(Boolean)
    .join("\n");
}
