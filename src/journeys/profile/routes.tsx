/** @jsxImportSource hono/jsx */
// The profile journey's pages (docs/journeys/profile.md).
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const profileRoutes = new Hono<AppEnv>();
