// Users in the management API: OpenID Connect standard claim names (OIDC Core 5.1),
// plus `custom_attributes`, `blocked` and the credential fields.
import { toRfc3339 } from "../../config";
import { normalizeEmail, type PasswordInput, type UserProfile, type UserRecord } from "../../directory";
import { parsePasswordHash, passwordProblem } from "../../passwords";
import { described, nullableTimestamp, text, timestamp } from "./common";
import * as z from "zod/mini";

const webUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).check(z.maxLength(2048));

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

export const emailSchema = z.pipe(
  z.string().check(
    z.maxLength(254, "must be at most 254 characters"),
    z.refine((e) => normalizeEmail(e) !== null, "is not a valid email address"),
  ),
  z.transform((e) => e.trim().normalize("NFC")),
);

const addressSchema = described(
  z.partial(
    z.strictObject({
      formatted: text(500),
      street_address: text(500),
      locality: text(200),
      region: text(200),
      postal_code: text(50),
      country: text(200),
    }),
  ),
  "OIDC address claim",
);

const CUSTOM_ATTRIBUTES_MAX_BYTES = 16 * 1024;
const CUSTOM_ATTRIBUTES_MAX_DEPTH = 8;

/** Depth of nested arrays and objects, measured without recursion so no input can overflow the stack. */
function nestingWithin(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth >= max) return false;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return true;
}

const customAttributesSchema = described(
  z
    .record(
      z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "names must be letters, digits and _ (max 64)")),
      z.unknown(),
    )
    .check(
      z.refine(
        (value) => nestingWithin(value, CUSTOM_ATTRIBUTES_MAX_DEPTH),
        `values may nest at most ${CUSTOM_ATTRIBUTES_MAX_DEPTH} levels deep`,
      ),
      z.refine(
        (value) =>
          nestingWithin(value, CUSTOM_ATTRIBUTES_MAX_DEPTH) &&
          new TextEncoder().encode(JSON.stringify(value)).length <= CUSTOM_ATTRIBUTES_MAX_BYTES,
        `must be at most ${CUSTOM_ATTRIBUTES_MAX_BYTES} bytes as JSON`,
      ),
    ),
  "Tenant-defined attributes: JSON values, nested at most 8 levels",
);

const passwordSchema = described(
  z.string().check(
    z.superRefine((value, ctx) => {
      const problem = passwordProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    }),
  ),
  "Set a password (hashed with argon2id; never stored or returned)",
);

const passwordHashSchema = described(
  z.string().check(
    z.maxLength(512),
    z.superRefine((value, ctx) => {
      const parsed = parsePasswordHash(value);
      if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error, input: value });
    }),
  ),
  "Import a hash from another system: $argon2id$v=19$m=..,t=..,p=..$salt$hash or $pbkdf2-sha256$i=..$salt$hash (upgraded to the current scheme at the next sign-in)",
);

const profileShape = {
  email: z.nullable(emailSchema),
  email_verified: z.boolean(),
  phone_number: z.nullable(
    z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, "must be in E.164 format, for example +14155550123")),
  ),
  phone_number_verified: z.boolean(),
  name: z.nullable(text(200)),
  given_name: z.nullable(text(200)),
  family_name: z.nullable(text(200)),
  middle_name: z.nullable(text(200)),
  nickname: z.nullable(text(200)),
  preferred_username: z.nullable(text(200)),
  profile: z.nullable(webUrl),
  picture: z.nullable(webUrl),
  website: z.nullable(webUrl),
  gender: z.nullable(text(50)),
  birthdate: z.nullable(z.string().check(z.refine(isValidBirthdate, "must be YYYY-MM-DD, YYYY or 0000-MM-DD"))),
  zoneinfo: z.nullable(
    z
      .string()
      .check(z.maxLength(100), z.refine(isValidTimeZone, "must be an IANA time zone, for example Europe/Paris")),
  ),
  locale: z.nullable(
    z.string().check(z.maxLength(35), z.refine(isValidLocale, "must be a BCP 47 language tag, for example fr-CA")),
  ),
  address: z.nullable(addressSchema),
  custom_attributes: customAttributesSchema,
  blocked: described(z.boolean(), "Blocked users cannot sign in or refresh tokens"),
  password: passwordSchema,
  password_hash: passwordHashSchema,
};

type CredentialFields = { password?: unknown; password_hash?: unknown };

function oneCredential(value: CredentialFields, issues: { path: string[]; message: string }[]) {
  if (value.password !== undefined && value.password_hash !== undefined)
    issues.push({ path: ["password_hash"], message: "send either password or password_hash, not both" });
}

export const userCreateSchema = z.partial(z.strictObject(profileShape)).check(
  z.superRefine((value, ctx) => {
    const issues: { path: string[]; message: string }[] = [];
    oneCredential(value, issues);
    if (!value.email && !value.phone_number)
      issues.push({ path: ["email"], message: "a user needs an email or a phone_number" });
    for (const issue of issues) ctx.addIssue({ code: "custom", ...issue, input: value });
  }),
);

export const userUpdateSchema = z.partial(z.strictObject(profileShape)).check(
  z.superRefine((value, ctx) => {
    const issues: { path: string[]; message: string }[] = [];
    oneCredential(value, issues);
    for (const issue of issues) ctx.addIssue({ code: "custom", ...issue, input: value });
  }),
);

export const userSchema = z.object({
  id: z.string(),
  email: z.nullable(z.string()),
  email_verified: z.boolean(),
  phone_number: z.nullable(z.string()),
  phone_number_verified: z.boolean(),
  name: z.nullable(z.string()),
  given_name: z.nullable(z.string()),
  family_name: z.nullable(z.string()),
  middle_name: z.nullable(z.string()),
  nickname: z.nullable(z.string()),
  preferred_username: z.nullable(z.string()),
  profile: z.nullable(z.string()),
  picture: z.nullable(z.string()),
  website: z.nullable(z.string()),
  gender: z.nullable(z.string()),
  birthdate: z.nullable(z.string()),
  zoneinfo: z.nullable(z.string()),
  locale: z.nullable(z.string()),
  address: z.nullable(addressSchema),
  custom_attributes: z.record(z.string(), z.unknown()),
  blocked: z.boolean(),
  status: described(
    z.enum(["active", "blocked", "deleted"]),
    "`deleted`: the customer deleted the account; a tombstone without personal data, kept for the audit trail",
  ),
  has_password: z.boolean(),
  sign_in_count: described(z.int(), "Sign-ins so far (progressive profiling rules count them)"),
  created_at: timestamp,
  updated_at: timestamp,
  last_sign_in_at: nullableTimestamp,
  deleted_at: described(nullableTimestamp, "When the account was deleted; null for live accounts"),
});

export const userListShape = {
  email: z.optional(described(z.string().check(z.maxLength(254)), "Exact email match, case-insensitive")),
  email_starts_with: z.optional(
    described(
      z.string().check(z.trim(), z.minLength(1), z.maxLength(254)),
      "Email prefix, case-insensitive; domains are matched in their ASCII (IDNA) form",
    ),
  ),
};

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
    custom_attributes: (user.customAttributes ?? {}) as z.infer<typeof userSchema>["custom_attributes"],
    blocked: user.status === "blocked",
    status: user.status,
    has_password: user.hasPassword,
    sign_in_count: user.signInCount,
    created_at: toRfc3339(user.createdAt)!,
    updated_at: toRfc3339(user.updatedAt)!,
    last_sign_in_at: toRfc3339(user.lastSignInAt),
    deleted_at: toRfc3339(user.deletedAt),
  };
}
