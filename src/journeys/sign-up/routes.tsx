/** @jsxImportSource hono/jsx */
// The sign up journey's pages (docs/journeys/sign-up.md).
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const signUpRoutes = new Hono<AppEnv>();
