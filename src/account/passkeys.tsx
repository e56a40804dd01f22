/** @jsxImportSource hono/jsx */
// Account section "passkeys".
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const passkeysSection = new Hono<AppEnv>();
