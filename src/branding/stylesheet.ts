// The tenant's stylesheet: its colors as the variables the base stylesheet uses, its
// background, then its custom CSS (already checked and normalized when it was saved).
// Served from a URL that changes with its content, so browsers may keep it.
import type { BrandingRecord } from "../directory";
import { HEX_COLOR } from "./colors";
import { checkCustomCss } from "./css";

/**
 * The stylesheet's URL names its content (a hash of the fields it is built from), not the
 * time of the last change: two changes within one second must not share a name, or
 * browsers would keep the first for the year the current file is cached.
 */
export function brandingStylesheetPath(slug: string, branding: BrandingRecord): string {
  return `/t/${slug}/branding/${stylesheetVersion(branding)}.css`;
}

function stylesheetVersion(branding: BrandingRecord): string {
  const source = JSON.stringify([
    branding.primaryColor,
    branding.backgroundColor,
    branding.backgroundImageUri,
    branding.customCss,
  ]);
  // FNV-1a, 32 bits: cheap enough for every page, and not a security boundary.
  let hash = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) hash = Math.imul(hash ^ source.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
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
  const variables = [primary ? `--accent:${primary}` : null, background ? `--bg:${background}` : null].filter(Boolean);
  return [
    variables.length ? `:root{${variables.join(";")}}` : "",
    image ? `body{background-image:${cssUrl(image)};background-size:cover;background-position:center}` : "",
    custom?.ok ? custom.css : "",
  ]
    .filter(Boolean)
    .join("\n");
}
