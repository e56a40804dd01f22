// The journeys' pages: those that continue a sign-in (under /t/{slug}/interaction/{id})
// and those that stand alone under the issuer (password reset, verification links).
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { emailCodeRoutes } from "./email-code/routes";
import { passwordResetRoutes } from "./password-reset/routes";
import { profileRoutes } from "./profile/routes";
import { signUpRoutes } from "./sign-up/routes";
import { verifyEmailLinkRoutes, verifyEmailRoutes } from "./verify-email/routes";

/** Mounted at /t/{slug}/interaction/:id. */
export const journeyRoutes = new Hono<AppEnv>();
journeyRoutes.route("/sign-up", signUpRoutes);
journeyRoutes.route("/verify-email", verifyEmailRoutes);
journeyRoutes.route("/email-code", emailCodeRoutes);
journeyRoutes.route("/profile", profileRoutes);

/** Mounted at /t/{slug}. */
export const standaloneJourneyRoutes = new Hono<AppEnv>();
standaloneJourneyRoutes.route("/password-reset", passwordResetRoutes);
standaloneJourneyRoutes.route("/verify-email", verifyEmailLinkRoutes);
