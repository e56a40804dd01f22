/** @jsxImportSource hono/jsx */
// The email code journey's pages (docs/journeys/email-code.md).
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const emailCodeRoutes = new Hono<AppEnv>();
