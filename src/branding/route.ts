// GET /t/{slug}/branding/{version}.css: the tenant's stylesheet. The version in the path
// names the content, so the file can be cached for a year; an old version (a page
// cached before a change) gets the current stylesheet, briefly cached.
import type { Context } from "hono";
import { openDirectory } from "../directory";
import type { AppEnv } from "../env";
import { brandingStylesheet, brandingStylesheetPath } from "./stylesheet";

// Version names are base-36 hashes; anything else is not a stylesheet of ours.
const FILE = /^[0-9a-z]{1,12}\.css$/;

export async function brandingStylesheetResponse(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  const file = c.req.param("file") ?? "";
  if (!FILE.test(file)) return c.text("/* not found */", 404, { "Content-Type": "text/css; charset=utf-8" });
  const { branding } = await openDirectory(c.env, tenant, c.var.stats).appearance.cached();
  if (!branding) return c.text("/* no branding */", 404, { "Content-Type": "text/css; charset=utf-8" });
  const current = brandingStylesheetPath(tenant.slug, branding).split("/").pop();
  return c.body(brandingStylesheet(branding), 200, {
    "Content-Type": "text/css; charset=utf-8",
    "Cache-Control": file === current ? "public, max-age=31536000, immutable" : "public, max-age=60",
    "X-Content-Type-Options": "nosniff",
  });
}
