/** @jsxImportSource hono/jsx */
// The account page at {issuer}/account (docs/journeys/account.md).
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const accountRoutes = new Hono<AppEnv>();
