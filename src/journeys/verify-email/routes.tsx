/** @jsxImportSource hono/jsx */
// The verify email journey's pages (docs/journeys/verify-email.md).
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const verifyEmailRoutes = new Hono<AppEnv>();

/** The link in a verification email: /t/{slug}/verify-email/{flow}?code=... (any browser). */
export const verifyEmailLinkRoutes = new Hono<AppEnv>();
