// Users in the management API: OpenID Connect standard claim names (OIDC Core 5.1),
// plus `custom_attributes`, `blocked` and the credential fields.
import { z } from "zod";
import { toRfc3339 } from "../../config";
import { normalizeEmail, type PasswordInput, type UserProfile, type UserRecord } from "../../directory";
import { parsePasswordHash, passwordProblem } from "../../passwords";
import { nullableTimestamp, timestamp } from "./common";

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const webUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048);

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isValidLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** OIDC `birthdate`: YYYY-MM-DD, YYYY alone, or 0000-MM-DD when the year is withheld. */
function isValidBirthdate(value: string): boolean {
  if (/^\d{4}$/.test(value)) return true;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year === 0 ? 2000 : year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const emailSchema = z
  .string()
  .max(254, "must be at most 254 characters")
  .refine((e) => normalizeEmail(e) !== null, "is not a valid email address")
  .transform((e) => e.trim().normalize("NFC"));

const addressSchema = z
  .object({
    formatted: text(500),
    street_address: text(500),
    locality: text(200),
    region: text(200),
    postal_code: text(50),
    country: text(200),
  })
  .partial()
  .strict()
  .describe("OIDC address claim");

const CUSTOM_ATTRIBUTES_MAX_BYTES = 16 * 1024;
const customAttributesSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "names must be letters, digits and _ (max 64)"), z.json())
  .refine(
    (value) => new TextEncoder().encode(JSON.stringify(value)).length <= CUSTOM_ATTRIBUTES_MAX_BYTES,
    `must be at most ${CUSTOM_ATTRIBUTES_MAX_BYTES} bytes as JSON`,
  )
  .describe("Tenant-defined attributes, any JSON values");

const passwordSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe("Set a password (hashed with argon2id; never stored or returned)");

const passwordHashSchema = z
  .string()
  .max(512)
  .superRefine((value, ctx) => {
    const parsed = parsePasswordHash(value);
    if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
  })
  .describe(
    "Import a hash from another system: $argon2id$v=19$m=..,t=..,p=..$salt$hash or $pbkdf2-sha256$i=..$salt$hash (upgraded to the current scheme at the next sign-in)",
  );

const profileFields = {
  email: emailSchema.nullable(),
  email_verified: z.boolean(),
  phone_number: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, "must be in E.164 format, for example +14155550123")
    .nullable(),
  phone_number_verified: z.boolean(),
  name: text(200).nullable(),
  given_name: text(200).nullable(),
  family_name: text(200).nullable(),
  middle_name: text(200).nullable(),
  nickname: text(200).nullable(),
  preferred_username: text(200).nullable(),
  profile: webUrl.nullable(),
  picture: webUrl.nullable(),
  website: webUrl.nullable(),
  gender: text(50).nullable(),
  birthdate: z.string().refine(isValidBirthdate, "must be YYYY-MM-DD, YYYY or 0000-MM-DD").nullable(),
  zoneinfo: z.string().max(100).refine(isValidTimeZone, "must be an IANA time zone, for example Europe/Paris").nullable(),
  locale: z.string().max(35).refine(isValidLocale, "must be a BCP 47 language tag, for example fr-CA").nullable(),
  address: addressSchema.nullable(),
  custom_attributes: customAttributesSchema,
  blocked: z.boolean().describe("Blocked users cannot sign in or refresh tokens"),
  password: passwordSchema,
  password_hash: passwordHashSchema,
};

function oneCredential(value: { password?: unknown; password_hash?: unknown }, ctx: z.RefinementCtx) {
  if (value.password !== undefined && value.password_hash !== undefined)
    ctx.addIssue({ code: "custom", path: ["password_hash"], message: "send either password or password_hash, not both" });
}

export const userCreateSchema = z
  .object(profileFields)
  .partial()
  .strict()
  .superRefine((value, ctx) => {
    oneCredential(value, ctx);
    if (!value.email && !value.phone_number)
      ctx.addIssue({ code: "custom", path: ["email"], message: "a user needs an email or a phone_number" });
  });

export const userUpdateSchema = z.object(profileFields).partial().strict().superRefine(oneCredential);

export const userSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  phone_number: z.string().nullable(),
  phone_number_verified: z.boolean(),
  name: z.string().nullable(),
  given_name: z.string().nullable(),
  family_name: z.string().nullable(),
  middle_name: z.string().nullable(),
  nickname: z.string().nullable(),
  preferred_username: z.string().nullable(),
  profile: z.string().nullable(),
  picture: z.string().nullable(),
  website: z.string().nullable(),
  gender: z.string().nullable(),
  birthdate: z.string().nullable(),
  zoneinfo: z.string().nullable(),
  locale: z.string().nullable(),
  address: addressSchema.nullable(),
  custom_attributes: z.record(z.string(), z.json()),
  blocked: z.boolean(),
  has_password: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
  last_sign_in_at: nullableTimestamp,
});

export const userListQuery = z.object({
  email: z.string().max(254).optional().describe("Exact email match, case-insensitive"),
  email_starts_with: z.string().trim().min(1).max(254).optional().describe("Email prefix, case-insensitive"),
});

type UserBody = z.infer<typeof userUpdateSchema>;

/** Splits a validated body into the profile columns and the credential to write. */
export function userChangesFrom(body: UserBody): { profile: UserProfile; credential?: PasswordInput } {
  const { password, password_hash, blocked, ...claims } = body;
  const profile: UserProfile = {};
  const assign = <K extends keyof UserProfile>(key: K, value: UserProfile[K] | undefined) => {
    if (value !== undefined) profile[key] = value;
  };
  assign("email", claims.email);
  assign("emailVerified", claims.email_verified);
  assign("phoneNumber", claims.phone_number);
  assign("phoneNumberVerified", claims.phone_number_verified);
  assign("name", claims.name);
  assign("givenName", claims.given_name);
  assign("familyName", claims.family_name);
  assign("middleName", claims.middle_name);
  assign("nickname", claims.nickname);
  assign("preferredUsername", claims.preferred_username);
  assign("profile", claims.profile);
  assign("picture", claims.picture);
  assign("website", claims.website);
  assign("gender", claims.gender);
  assign("birthdate", claims.birthdate);
  assign("zoneinfo", claims.zoneinfo);
  assign("locale", claims.locale);
  assign("address", claims.address);
  assign("customAttributes", claims.custom_attributes as Record<string, unknown> | undefined);
  if (blocked !== undefined) profile.status = blocked ? "blocked" : "active";
  const credential: PasswordInput | undefined =
    password !== undefined ? { password } : password_hash !== undefined ? { passwordHash: password_hash } : undefined;
  return credential ? { profile, credential } : { profile };
}

export function presentUser(user: UserRecord): z.infer<typeof userSchema> {
  return {
    id: user.id,
    email: user.email,
    email_verified: user.emailVerified,
    phone_number: user.phoneNumber,
    phone_number_verified: user.phoneNumberVerified,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    middle_name: user.middleName,
    nickname: user.nickname,
    preferred_username: user.preferredUsername,
    profile: user.profile,
    picture: user.picture,
    website: user.website,
    gender: user.gender,
    birthdate: user.birthdate,
    zoneinfo: user.zoneinfo,
    locale: user.locale,
    address: user.address ?? null,
    custom_attributes: (user.customAttributes ?? {}) as Record<string, z.core.util.JSONType>,
    blocked: user.status === "blocked",
    has_password: user.hasPassword,
    created_at: toRfc3339(user.createdAt)!,
    updated_at: toRfc3339(user.updatedAt)!,
    last_sign_in_at: toRfc3339(user.lastSignInAt),
  };
}
