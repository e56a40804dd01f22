/** @jsxImportSource hono/jsx */
// A code sent by email as the second factor, for customers with nothing else.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const emailFactorRoutes = new Hono<AppEnv>();
