/** @jsxImportSource hono/jsx */
// The password reset journey's pages (docs/journeys/password-reset.md).
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const passwordResetRoutes = new Hono<AppEnv>();
