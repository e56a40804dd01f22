// CORS for the endpoints browsers' apps call directly (discovery, JWKS, token). Never
// with credentials: these endpoints read no cookies, so any origin may call them.
import { cors } from "hono/cors";

export const publicCors = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "DPoP"],
  maxAge: 86400,
});
