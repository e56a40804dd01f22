/** @jsxImportSource hono/jsx */
// Passkey sign-in from the sign-in page (button and autofill), and the offer after sign-up.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const passkeySignInRoutes = new Hono<AppEnv>();
