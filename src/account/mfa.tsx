/** @jsxImportSource hono/jsx */
// Account section "mfa".
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const mfaSection = new Hono<AppEnv>();
