/** @jsxImportSource hono/jsx */
// An authenticator app code as the second factor of a sign-in or a step-up.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const totpChallengeRoutes = new Hono<AppEnv>();
