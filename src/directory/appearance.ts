// How a tenant's hosted pages and emails look and read: its branding row and its own
// wording of texts, per language. Pages read both together from the cache (one KV key
// per tenant); every change invalidates it.
import { and, eq } from "drizzle-orm";
import { nowSeconds } from "../config";
import type { Env } from "../env";
import { cacheKeys, invalidate, readThrough } from "../storage/cache";
import { atomicallyAll } from "../storage/batch";
import type { Database, RequestStats } from "../storage/database";
import { tenantBranding, tenantTexts } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";

export type BrandingRecord = typeof tenantBranding.$inferSelect;
export type BrandingSettings = Omit<BrandingRecord, "tenantId" | "updatedAt">;

export interface Appearance {
  branding: BrandingRecord | null;
  /** The tenant's texts by language, then by message key. */
  texts: Record<string, Record<string, string>>;
}

// Changes show within a minute or so (KV propagation); the memory copy is short.
const APPEARANCE_CACHE = { memorySeconds: 30, kvSeconds: 600 };

export const EMPTY_BRANDING: BrandingSettings = {
  logoUri: null,
  primaryColor: null,
  backgroundColor: null,
  backgroundImageUri: null,
  customCss: null,
  supportUrl: null,
};

export function appearanceRepository(env: Env, db: Database, tenantId: string, stats?: RequestStats) {
  const forget = () => invalidate(env.CACHE, cacheKeys.appearance(tenantId));

  async function load(): Promise<Appearance> {
    const [branding, texts] = await db.batch([
      db.select().from(tenantBranding).where(eq(tenantBranding.tenantId, tenantId)),
      db.select().from(tenantTexts).where(eq(tenantTexts.tenantId, tenantId)),
    ]);
    const byLocale: Appearance["texts"] = {};
    for (const row of texts) (byLocale[row.locale] ??= {})[row.key] = row.value;
    return { branding: branding[0] ?? null, texts: byLocale };
  }

  return {
    /** Branding and texts, cached: every hosted page reads this. */
    async cached(): Promise<Appearance> {
      // load() never yields null, so neither does the read-through.
      return (await readThrough(env.CACHE, stats, cacheKeys.appearance(tenantId), APPEARANCE_CACHE, load))!;
    },

    async branding(): Promise<BrandingRecord | null> {
      const [row] = await db.select().from(tenantBranding).where(eq(tenantBranding.tenantId, tenantId));
      return row ?? null;
    },

    /** Replaces the fields given; the others keep their values. */
    async updateBranding(changes: Partial<BrandingSettings>, audit?: AuditEventInput): Promise<BrandingRecord> {
      const now = nowSeconds();
      const [rows] = (await atomicallyAll(db, [
        db
          .insert(tenantBranding)
          .values({ ...EMPTY_BRANDING, ...changes, tenantId, updatedAt: now })
          .onConflictDoUpdate({ target: tenantBranding.tenantId, set: { ...changes, updatedAt: now } })
          .returning(),
        ...auditStatements(db, tenantId, audit),
      ])) as [BrandingRecord[]];
      await forget();
      return rows[0]!;
    },

    async texts(locale: string): Promise<Record<string, string>> {
      const rows = await db
        .select()
        .from(tenantTexts)
        .where(and(eq(tenantTexts.tenantId, tenantId), eq(tenantTexts.locale, locale)));
      return Object.fromEntries(rows.map((row) => [row.key, row.value]));
    },

    /**
     * Sets (string) or removes (null) the tenant's wording of texts in one language, in
     * one batch. Keys are checked by the caller against the catalog.
     */
    async updateTexts(
      locale: string,
      changes: Record<string, string | null>,
      audit?: AuditEventInput,
    ): Promise<Record<string, string>> {
      const statements = Object.entries(changes).map(([key, value]) =>
        value === null
          ? db
              .delete(tenantTexts)
              .where(and(eq(tenantTexts.tenantId, tenantId), eq(tenantTexts.locale, locale), eq(tenantTexts.key, key)))
          : db
              .insert(tenantTexts)
              .values({ tenantId, locale, key, value })
              .onConflictDoUpdate({
                target: [tenantTexts.tenantId, tenantTexts.locale, tenantTexts.key],
                set: { value },
              }),
      );
      await atomicallyAll(db, [...statements, ...auditStatements(db, tenantId, audit)]);
      await forget();
      return this.texts(locale);
    },
  };
}
