// Where the second-factor step's pages live, under an interaction.
import type { Tenant } from "../directory";
import { interactionPath } from "../journeys/paths";

const base = (tenant: Pick<Tenant, "slug">, interactionId: string) => interactionPath(tenant, interactionId, "mfa");

export const mfaPaths = {
  choose: (tenant: Pick<Tenant, "slug">, id: string) => base(tenant, id),
  /** Every method listed, rather than straight to the strongest: "try another way". */
  chooseAny: (tenant: Pick<Tenant, "slug">, id: string) => `${base(tenant, id)}?all`,
  passkey: (tenant: Pick<Tenant, "slug">, id: string) => `${base(tenant, id)}/passkey`,
  totp: (tenant: Pick<Tenant, "slug">, id: string) => `${base(tenant, id)}/totp`,
  email: (tenant: Pick<Tenant, "slug">, id: string) => `${base(tenant, id)}/email`,
  recoveryCode: (tenant: Pick<Tenant, "slug">, id: string) => `${base(tenant, id)}/recovery-code`,
  enroll: (tenant: Pick<Tenant, "slug">, id: string) => `${base(tenant, id)}/enroll`,
  /** Passkey sign-in as the first factor (the sign-in page's button and autofill). */
  passkeySignIn: (tenant: Pick<Tenant, "slug">, id: string) => interactionPath(tenant, id, "passkey"),
};
