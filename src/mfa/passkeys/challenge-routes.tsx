/** @jsxImportSource hono/jsx */
// A passkey as the second factor of a sign-in or a step-up.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const passkeyChallengeRoutes = new Hono<AppEnv>();
