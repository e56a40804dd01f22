// Users of a tenant, and the roles they hold.
import * as z from "zod/mini";
import { toRfc3339 } from "../../config";
import { userState } from "../../sessions";
import { notFound, invalidField, Problem } from "../problem";
import { defineRoute, managementAudit, type AdminContext } from "../route";
import { described, listOf, page, paginationShape, timestamp } from "../schemas/common";
import { presentRole, roleSchema } from "../schemas/roles";
import {
  presentUser,
  userChangesFrom,
  userCreateSchema,
  userListShape,
  userSchema,
  userUpdateSchema,
} from "../schemas/users";

export const userParams = z.object({ tenant: z.string(), user_id: z.string() });
const userRoleParams = z.extend(userParams, { role_id: z.string() });

const consentSchema = z.object({ client_id: z.string(), scopes: z.array(z.string()), granted_at: timestamp });
const sessionSchema = z.object({
  id: z.string(),
  created_at: timestamp,
  authenticated_at: timestamp,
  last_active_at: timestamp,
  expires_at: timestamp,
  amr: z.array(z.string()),
  clients: z.array(z.string()),
  ip: z.nullable(z.string()),
  user_agent: z.nullable(z.string()),
});

export async function existingUser(c: AdminContext, id: string) {
  const user = await c.var.directory.users.get(id);
  if (!user) throw notFound(`there is no user '${id}' in this tenant`);
  return user;
}

/** A deleted account stays a tombstone: nothing may bring its data or sign-in back. */
async function liveUser(c: AdminContext, id: string) {
  const user = await existingUser(c, id);
  if (user.status === "deleted")
    throw new Problem("conflict", `user '${id}' deleted their account; a deleted account cannot be changed`);
  return user;
}

const consentRecordSchema = z.object({
  id: z.string(),
  purpose: z.enum(["terms", "privacy", "marketing"]),
  policy_version: z.string(),
  granted: described(z.boolean(), "false: the customer withdrew this consent"),
  source: z.enum(["sign_up", "account", "admin"]),
  created_at: timestamp,
});

export const userRoutes = [
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/users",
    operationId: "createUser",
    summary: "Create a user",
    description:
      "Creates a user with or without a password. A password is checked against the password policy and stored as an argon2id hash; `password_hash` imports a hash from another system instead.",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: z.object({ tenant: z.string() }),
    body: userCreateSchema,
    responses: {
      201: { description: "The user", schema: userSchema },
      409: { description: "Another user of the tenant has this email address" },
    },
    async handler(c, { body }) {
      const { profile, credential } = userChangesFrom(body);
      const user = await c.var.directory.users.create(
        profile,
        credential,
        managementAudit(c, "user.created", { with_password: credential !== undefined }),
      );
      return c.json(presentUser(user), 201, { Location: `/admin/v1/tenants/${c.var.target.slug}/users/${user.id}` });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/users",
    operationId: "listUsers",
    summary: "List or search users",
    description: "Users in creation order. `email` finds one address; `email_starts_with` searches by prefix.",
    tag: "Users",
    scope: "users:read",
    access: "tenant",
    params: z.object({ tenant: z.string() }),
    query: z.object({ ...paginationShape, ...userListShape }),
    responses: { 200: { description: "A page of users", schema: listOf(userSchema) } },
    async handler(c, { query }) {
      const rows = await c.var.directory.users.list({
        limit: query.limit + 1,
        ...(query.cursor ? { after: query.cursor } : {}),
        ...(query.email !== undefined ? { email: query.email } : {}),
        ...(query.email_starts_with !== undefined ? { emailPrefix: query.email_starts_with } : {}),
      });
      return c.json(page(rows, query.limit, (u) => u.id, presentUser));
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/users/{user_id}",
    operationId: "getUser",
    summary: "Get a user",
    tag: "Users",
    scope: "users:read",
    access: "tenant",
    params: userParams,
    responses: { 200: { description: "The user", schema: userSchema } },
    async handler(c, { params }) {
      return c.json(presentUser(await existingUser(c, params.user_id)));
    },
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}/users/{user_id}",
    operationId: "updateUser",
    summary: "Update a user",
    description: "Changes the given fields only; `null` clears a field. `blocked: true` stops sign-in and refresh.",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: userParams,
    body: userUpdateSchema,
    responses: {
      200: { description: "The updated user", schema: userSchema },
      409: { description: "Another user of the tenant has this email address, or the user deleted the account" },
    },
    async handler(c, { params, body }) {
      const existing = await liveUser(c, params.user_id);
      const { profile, credential } = userChangesFrom(body);
      const email = profile.email === undefined ? existing.email : profile.email;
      const phone = profile.phoneNumber === undefined ? existing.phoneNumber : profile.phoneNumber;
      if (!email && !phone) throw invalidField(["email"], "a user needs an email or a phone_number");
      const fields = Object.keys(body).filter((k) => k !== "password" && k !== "password_hash");
      const updated = await c.var.directory.users.update(
        existing.id,
        profile,
        credential,
        managementAudit(
          c,
          body.blocked === undefined ? "user.updated" : body.blocked ? "user.blocked" : "user.unblocked",
          {
            fields,
            password_changed: credential !== undefined,
          },
        ),
      );
      if (!updated) await liveUser(c, existing.id); // deleted meanwhile: answers 409
      // Blocking or a new password ends every session and refresh token of the user.
      if (body.blocked === true || credential !== undefined)
        await userState(c.env, c.var.target.id, existing.id).endEverything();
      return c.json(presentUser(await existingUser(c, existing.id)));
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/users/{user_id}",
    operationId: "deleteUser",
    summary: "Delete a user",
    description: "Deletes the user, their credentials and role assignments. The audit trail keeps its records.",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: userParams,
    responses: { 204: { description: "Deleted" } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      await c.var.directory.users.delete(user.id, managementAudit(c, "user.deleted"));
      await userState(c.env, c.var.target.id, user.id).endEverything();
      return c.body(null, 204);
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/users/{user_id}/roles",
    operationId: "listUserRoles",
    summary: "List a user's roles",
    tag: "Users",
    scope: "users:read",
    access: "tenant",
    params: userParams,
    responses: { 200: { description: "The user's roles", schema: z.object({ data: z.array(roleSchema) }) } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const roles = await c.var.directory.roles.rolesOfUser(user.id);
      return c.json({ data: roles.map(presentRole) });
    },
  }),
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/users/{user_id}/roles",
    operationId: "assignUserRoles",
    summary: "Assign roles to a user",
    description: "Adds the listed roles; roles the user already holds are kept as they are.",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: userParams,
    body: z.strictObject({
      roles: z
        .array(z.string())
        .check(z.minLength(1, "list at least one role id"), z.maxLength(50, "at most 50 roles")),
    }),
    responses: {
      200: { description: "The user's roles after the change", schema: z.object({ data: z.array(roleSchema) }) },
    },
    async handler(c, { params, body }) {
      const user = await liveUser(c, params.user_id);
      await c.var.directory.roles.assign(
        user.id,
        body.roles,
        managementAudit(c, "user.roles_assigned", { roles: body.roles }),
      );
      const roles = await c.var.directory.roles.rolesOfUser(user.id);
      return c.json({ data: roles.map(presentRole) });
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/users/{user_id}/roles/{role_id}",
    operationId: "removeUserRole",
    summary: "Take a role from a user",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: userRoleParams,
    responses: { 204: { description: "Removed" } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const held = await c.var.directory.roles.rolesOfUser(user.id);
      if (!held.some((role) => role.id === params.role_id))
        throw notFound(`the user does not hold role '${params.role_id}'`);
      await c.var.directory.roles.unassign(
        user.id,
        params.role_id,
        managementAudit(c, "user.role_removed", { role: params.role_id }),
      );
      return c.body(null, 204);
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/users/{user_id}/consents",
    operationId: "listUserConsents",
    summary: "List what a user allowed third-party apps to do",
    tag: "Users",
    scope: "users:read",
    access: "tenant",
    params: userParams,
    responses: { 200: { description: "Consents by client", schema: z.object({ data: z.array(consentSchema) }) } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const consents = await c.var.directory.consents.listForUser(user.id);
      return c.json({
        data: consents.map((consent) => ({
          client_id: consent.clientId,
          scopes: consent.scopes,
          granted_at: toRfc3339(consent.grantedAt)!,
        })),
      });
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/users/{user_id}/consents/{client_id}",
    operationId: "revokeUserConsent",
    summary: "Withdraw a user's consent to an app",
    description: "The app's refresh tokens for this user are revoked too; it must ask again.",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: z.extend(userParams, { client_id: z.string() }),
    responses: { 204: { description: "Withdrawn" } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const removed = await c.var.directory.consents.revoke(
        user.id,
        params.client_id,
        managementAudit(c, "consent.revoked", { client: params.client_id }),
      );
      if (!removed) throw notFound(`the user has not consented to client '${params.client_id}'`);
      await userState(c.env, c.var.target.id, user.id).revokeClient(params.client_id);
      return c.body(null, 204);
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/users/{user_id}/consent-records",
    operationId: "listUserConsentRecords",
    summary: "List a user's consent records",
    description:
      "What the user accepted or withdrew (terms, privacy policy, marketing), under which policy version, when and where; newest first. Read-only: records are written by the user's own journeys.",
    tag: "Users",
    scope: "users:read",
    access: "tenant",
    params: userParams,
    responses: {
      200: { description: "The user's consent history", schema: z.object({ data: z.array(consentRecordSchema) }) },
    },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const records = await c.var.directory.consentRecords.newestFirst(user.id);
      return c.json({
        data: records.map((record) => ({
          id: record.id,
          purpose: record.purpose,
          policy_version: record.policyVersion,
          granted: record.granted,
          source: record.source,
          created_at: toRfc3339(record.createdAt)!,
        })),
      });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/users/{user_id}/sessions",
    operationId: "listUserSessions",
    summary: "List a user's single sign-on sessions",
    tag: "Users",
    scope: "users:read",
    access: "tenant",
    params: userParams,
    responses: { 200: { description: "Live sessions", schema: z.object({ data: z.array(sessionSchema) }) } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const sessions = await userState(c.env, c.var.target.id, user.id).listSessions();
      return c.json({
        data: sessions.map((session) => ({
          id: session.sid,
          created_at: toRfc3339(session.createdAt)!,
          authenticated_at: toRfc3339(session.authTime)!,
          last_active_at: toRfc3339(session.lastActiveAt)!,
          expires_at: toRfc3339(Math.min(session.expiresAt, session.lastActiveAt + session.idleTtl))!,
          amr: session.amr,
          clients: session.clients,
          ip: session.ip,
          user_agent: session.userAgent,
        })),
      });
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/users/{user_id}/sessions",
    operationId: "endUserSessions",
    summary: "Sign a user out everywhere",
    description: "Ends every session and revokes every refresh token of the user.",
    tag: "Users",
    scope: "users:write",
    access: "tenant",
    params: userParams,
    responses: { 204: { description: "Signed out everywhere" } },
    async handler(c, { params }) {
      const user = await existingUser(c, params.user_id);
      const ended = await userState(c.env, c.var.target.id, user.id).endEverything();
      await c.var.directory.audit.record({
        ...managementAudit(c, "user.signed_out_everywhere", { sessions: ended.sessions, families: ended.families }),
        userId: user.id,
      });
      return c.body(null, 204);
    },
  }),
];
