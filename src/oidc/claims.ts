// Which user claims a client gets: by scope (OIDC Core 5.4) and by the `claims` request
// parameter (OIDC Core 5.5), for the ID token and for the UserInfo endpoint.
import type { User } from "../directory";

export const STANDARD_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access"] as const;

export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
  ],
  email: ["email", "email_verified"],
  address: ["address"],
  phone: ["phone_number", "phone_number_verified"],
};

export const USER_CLAIMS = ["sub", ...new Set(Object.values(SCOPE_CLAIMS).flat())];

/** The parsed `claims` parameter: claim names asked for, per target. */
export interface RequestedClaims {
  idToken: string[];
  userinfo: string[];
  /** Values asked for the ID token's `acr` (`value` or `values`, OIDC Core 5.5.1.1). */
  acrValues: string[];
}

/** The `value`/`values` of the `acr` request, strings only. */
function acrValuesOf(request: unknown): string[] {
  if (!request || typeof request !== "object") return [];
  const { value, values } = request as { value?: unknown; values?: unknown };
  const listed = Array.isArray(values) ? values : value !== undefined ? [value] : [];
  return listed.filter((entry): entry is string => typeof entry === "string");
}

/** Parses the `claims` parameter; returns an error message when it is not the JSON OIDC defines. */
export function parseClaimsParameter(value: string | undefined): RequestedClaims | { error: string } | null {
  if (value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { error: "the claims parameter is not valid JSON" };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    return { error: "the claims parameter must be a JSON object" };
  const names = (member: unknown): string[] | null => {
    if (member === undefined || member === null) return [];
    if (typeof member !== "object" || Array.isArray(member)) return null;
    return Object.keys(member).filter(
      (name) => USER_CLAIMS.includes(name) || ["auth_time", "acr", "amr"].includes(name),
    );
  };
  const record = parsed as Record<string, unknown>;
  const idToken = names(record.id_token);
  const userinfo = names(record.userinfo);
  if (idToken === null || userinfo === null)
    return { error: "the id_token and userinfo members of the claims parameter must be objects" };
  return { idToken, userinfo, acrValues: acrValuesOf((record.id_token as Record<string, unknown> | null)?.acr) };
}

/** Every claim the user has, in OIDC form (absent values left out). */
export function userClaims(user: User): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: user.id,
    name: user.name,
    family_name: user.familyName,
    given_name: user.givenName,
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
    updated_at: user.updatedAt,
    email: user.email,
    email_verified: user.email ? user.emailVerified : null,
    address: user.address,
    phone_number: user.phoneNumber,
    phone_number_verified: user.phoneNumber ? user.phoneNumberVerified : null,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== null && value !== undefined));
}

/** The claims released for `scopes` plus individually requested ones; `sub` always. */
export function releasedClaims(
  user: User,
  scopes: readonly string[],
  requested: readonly string[] = [],
): Record<string, unknown> {
  const all = userClaims(user);
  const names = new Set<string>(["sub", ...requested]);
  for (const scope of scopes) for (const name of SCOPE_CLAIMS[scope] ?? []) names.add(name);
  return Object.fromEntries(Object.entries(all).filter(([name]) => names.has(name)));
}
