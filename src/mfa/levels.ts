// Authentication strength, as apps see it in `acr` and ask for it with `acr_values`
// (OIDC Core 2, 3.1.2.1), and the `amr` values (RFC 8176) that say how the user signed in.
// Three ordered levels: each satisfies a request for itself or any lower one.

export const ACR = {
  /** One factor: a password, or a code sent by email. */
  singleFactor: "urn:latchkey:loa:1fa",
  /** Two factors of different kinds, or a passkey that verified the user. */
  multiFactor: "urn:latchkey:loa:mfa",
  /** Multi-factor with a passkey taking part: bound to the origin, so it cannot be phished. */
  phishingResistant: "urn:latchkey:loa:phr",
} as const;

export type Acr = (typeof ACR)[keyof typeof ACR];
export type Level = 1 | 2 | 3;

export const ACR_VALUES_SUPPORTED: readonly Acr[] = [ACR.singleFactor, ACR.multiFactor, ACR.phishingResistant];

const LEVELS: Record<Acr, Level> = {
  [ACR.singleFactor]: 1,
  [ACR.multiFactor]: 2,
  [ACR.phishingResistant]: 3,
};

export function levelOf(acr: string): Level {
  return LEVELS[acr as Acr] ?? 1;
}

export function acrOf(level: Level): Acr {
  return ACR_VALUES_SUPPORTED[level - 1]!;
}

const PASSKEY_AMR = ["hwk", "swk"];

/** The level the methods in `amr` reach together. */
export function acrForAmr(amr: readonly string[]): Acr {
  if (!amr.includes("mfa")) return ACR.singleFactor;
  return amr.some((value) => PASSKEY_AMR.includes(value)) ? ACR.phishingResistant : ACR.multiFactor;
}

/**
 * What the app asked for with `acr_values`: the lowest level it listed that we know, since
 * any of the values it lists would do. Unknown values alone ask for nothing (OIDC treats
 * acr_values as a request the OP satisfies as it can).
 */
export function requestedLevel(acrValues: readonly string[]): Level | null {
  const known = acrValues.filter((value): value is Acr => Object.hasOwn(LEVELS, value)).map((value) => LEVELS[value]);
  return known.length > 0 ? (Math.min(...known) as Level) : null;
}

/** What an authorization request asks for, by `acr_values` or the `claims` parameter's `acr`. */
export function requestedLevelOf(request: {
  acrValues: readonly string[];
  claims: { acrValues: readonly string[] } | null;
}): Level | null {
  return requestedLevel([...request.acrValues, ...(request.claims?.acrValues ?? [])]);
}

/** The methods of a sign-in that took a first and then a second factor. */
export function combinedAmr(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second, "mfa"])];
}
