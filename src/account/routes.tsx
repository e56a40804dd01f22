/** @jsxImportSource hono/jsx */
// The account page at {issuer}/account (docs/journeys/account.md): one module per
// section, all signed in with the tenant's SSO session (guard.ts), none cached.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { pageContext } from "../ui/page";
import { SignedOutPage } from "../ui/pages/messages";
import { htmlPage } from "../ui/render";
import { appsSection } from "./apps";
import { consentsSection } from "./consents";
import { dataSection, exportRoutes } from "./data";
import { deleteSection, goodbyeRoutes } from "./delete";
import { emailSection } from "./email";
import { mfaSection } from "./mfa";
import { passkeysSection } from "./passkeys";
import { passwordSection } from "./password";
import { profileSection } from "./profile";
import { sessionsSection } from "./sessions";

export const accountRoutes = new Hono<AppEnv>();

// Personal data and CSRF tokens: no cache may keep any answer, redirects included.
accountRoutes.use("*", async (c, next) => {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
});

accountRoutes.route("/", profileSection);
accountRoutes.route("/profile", profileSection);
accountRoutes.route("/email", emailSection);
accountRoutes.route("/password", passwordSection);
accountRoutes.route("/passkeys", passkeysSection);
accountRoutes.route("/mfa", mfaSection);
accountRoutes.route("/sessions", sessionsSection);
accountRoutes.route("/apps", appsSection);
accountRoutes.route("/consents", consentsSection);
accountRoutes.route("/data", dataSection);
accountRoutes.route("/export", exportRoutes);
accountRoutes.route("/delete", deleteSection);
accountRoutes.route("/deleted", goodbyeRoutes);

/** Where ending this browser's own session leads. */
accountRoutes.get("/signed-out", async (c) => htmlPage(c, <SignedOutPage page={await pageContext(c)} />));
