// Where each self-service journey lives, so pages can link to each other without
// importing each other's routes.
import type { Tenant } from "../directory";

type Slugged = Pick<Tenant, "slug">;

export function interactionPath(tenant: Slugged, interactionId: string, action = ""): string {
  return `/t/${tenant.slug}/interaction/${interactionId}${action ? `/${action}` : ""}`;
}

export const journeyPaths = {
  signUp: (tenant: Slugged, interactionId: string) => interactionPath(tenant, interactionId, "sign-up"),
  verifyEmail: (tenant: Slugged, interactionId: string) => interactionPath(tenant, interactionId, "verify-email"),
  emailCode: (tenant: Slugged, interactionId: string) => interactionPath(tenant, interactionId, "email-code"),
  profile: (tenant: Slugged, interactionId: string) => interactionPath(tenant, interactionId, "profile"),
  /** Standalone; `interactionId` lets the user return to the sign-in they came from. */
  passwordReset: (tenant: Slugged, interactionId?: string) =>
    `/t/${tenant.slug}/password-reset${interactionId ? `?interaction=${encodeURIComponent(interactionId)}` : ""}`,
  /** The link in a verification email: works in any browser, with the code it carries. */
  verifyEmailLink: (tenant: Slugged, flowId: string) => `/t/${tenant.slug}/verify-email/${flowId}`,
  account: (tenant: Slugged, section = "") => `/t/${tenant.slug}/account${section ? `/${section}` : ""}`,
};
