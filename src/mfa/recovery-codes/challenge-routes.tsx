/** @jsxImportSource hono/jsx */
// A recovery code in place of the second factor.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const recoveryCodeChallengeRoutes = new Hono<AppEnv>();
