/** @jsxImportSource hono/jsx */
// Setting up an authenticator app during sign-in, when a second factor is required and the user has none they can use.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const totpEnrollRoutes = new Hono<AppEnv>();
