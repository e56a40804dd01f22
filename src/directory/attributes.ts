// Custom attributes a tenant defines (type, validation, labels): what its sign-up,
// profiling and account pages collect beside the built-in claims.
import { and, asc, eq } from "drizzle-orm";
import { nowSeconds } from "../config";
import { atomically } from "../storage/batch";
import type { Database } from "../storage/database";
import { uniqueViolation } from "../storage/errors";
import { attributeDefinitions } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";
import { ConflictError } from "./errors";

export type AttributeDefinition = typeof attributeDefinitions.$inferSelect;
export type AttributeDefinitionInput = Omit<AttributeDefinition, "tenantId" | "createdAt" | "updatedAt">;

export function attributesRepository(db: Database, tenantId: string) {
  const inTenant = eq(attributeDefinitions.tenantId, tenantId);
  return {
    list(): Promise<AttributeDefinition[]> {
      return db.select().from(attributeDefinitions).where(inTenant).orderBy(asc(attributeDefinitions.name));
    },

    async get(name: string): Promise<AttributeDefinition | null> {
      const [row] = await db
        .select()
        .from(attributeDefinitions)
        .where(and(inTenant, eq(attributeDefinitions.name, name)));
      return row ?? null;
    },

    async create(input: AttributeDefinitionInput, audit?: AuditEventInput): Promise<AttributeDefinition> {
      const now = nowSeconds();
      try {
        const [rows] = await atomically(db, [
          db
            .insert(attributeDefinitions)
            .values({ ...input, tenantId, createdAt: now, updatedAt: now })
            .returning(),
          ...auditStatements(db, tenantId, audit),
        ]);
        return rows[0]!;
      } catch (error) {
        if (uniqueViolation(error)) throw new ConflictError("name", `an attribute named '${input.name}' exists`);
        throw error;
      }
    },

    async update(
      name: string,
      changes: Partial<Omit<AttributeDefinitionInput, "name" | "type">>,
      audit?: AuditEventInput,
    ): Promise<AttributeDefinition | null> {
      const [rows] = await atomically(db, [
        db
          .update(attributeDefinitions)
          .set({ ...changes, updatedAt: nowSeconds() })
          .where(and(inTenant, eq(attributeDefinitions.name, name)))
          .returning(),
        ...auditStatements(db, tenantId, audit),
      ]);
      return rows[0] ?? null;
    },

    /** Removes the definition; values users already have stay in their custom attributes. */
    async delete(name: string, audit?: AuditEventInput): Promise<boolean> {
      const [rows] = await atomically(db, [
        db
          .delete(attributeDefinitions)
          .where(and(inTenant, eq(attributeDefinitions.name, name)))
          .returning({ name: attributeDefinitions.name }),
        ...auditStatements(db, tenantId, audit),
      ]);
      return rows.length > 0;
    },
  };
}
