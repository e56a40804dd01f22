// The audit trail of a tenant, newest last, filtered and paged.
import * as z from "zod/mini";
import { toRfc3339 } from "../../config";
import { defineRoute } from "../route";
import { described, listOf, page, paginationShape, timestamp } from "../schemas/common";

const auditEventSchema = z.object({
  id: z.string(),
  type: described(z.string(), "What happened, e.g. user.created, token.issued, signing_keys.rotated"),
  actor_type: z.enum(["client", "user", "system"]),
  actor_id: z.nullable(z.string()),
  user_id: z.nullable(z.string()),
  client_id: z.nullable(z.string()),
  ip: z.nullable(z.string()),
  user_agent: z.nullable(z.string()),
  details: z.record(z.string(), z.unknown()),
  created_at: timestamp,
});

const isoTime = (description: string) =>
  z.pipe(
    described(
      z.iso.datetime({ offset: true, error: "must be an RFC 3339 date-time, e.g. 2026-11-23T10:00:00Z" }),
      description,
    ),
    z.transform((value: string) => Math.floor(Date.parse(value) / 1000)),
  );

export const auditRoutes = [
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/audit-events",
    operationId: "listAuditEvents",
    summary: "Query the audit trail",
    tag: "Audit",
    scope: "audit:read",
    access: "tenant",
    params: z.object({ tenant: z.string() }),
    query: z.object({
      ...paginationShape,
      type: z.optional(z.string().check(z.maxLength(100))),
      user_id: z.optional(z.string().check(z.maxLength(100))),
      client_id: z.optional(z.string().check(z.maxLength(200))),
      since: z.optional(isoTime("Events at or after this time")),
      until: z.optional(isoTime("Events at or before this time")),
    }),
    responses: { 200: { description: "A page of events, oldest first", schema: listOf(auditEventSchema) } },
    async handler(c, { query }) {
      const rows = await c.var.directory.audit.list({
        limit: query.limit + 1,
        ...(query.cursor ? { after: query.cursor } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.user_id ? { userId: query.user_id } : {}),
        ...(query.client_id ? { clientId: query.client_id } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}),
        ...(query.until !== undefined ? { until: query.until } : {}),
      });
      return c.json(
        page(
          rows,
          query.limit,
          (e) => e.id,
          (e) => ({
            id: e.id,
            type: e.type,
            actor_type: e.actorType,
            actor_id: e.actorId,
            user_id: e.userId,
            client_id: e.clientId,
            ip: e.ip,
            user_agent: e.userAgent,
            details: e.details,
            created_at: toRfc3339(e.createdAt)!,
          }),
        ),
      );
    },
  }),
];
