// What adaptive MFA remembers of an account's completed sign-ins (kept in the account's
// risk SignInThrottle object, see ./state.ts): the devices, countries and networks it
// signed in from, and where and when the last sign-in happened. Only a sign-in that
// passed every factor it needed is recorded, so a password alone never makes a browser
// or a place "known". Pure functions over plain data.

/** Kept per account: enough to recognise a customer's usual devices and places. */
export const DEVICES_KEPT = 20;
export const COUNTRIES_KEPT = 10;
export const ASNS_KEPT = 10;
/** Devices, countries and networks not seen for this long are forgotten. */
export const HISTORY_SECONDS = 180 * 86_400;

export interface Place {
  at: number;
  latitude: number;
  longitude: number;
  country: string | null;
  asn: number | null;
}

export interface RiskHistory {
  /** Device id -> when it last completed a sign-in. */
  devices: Record<string, number>;
  /** Country (ISO alpha-2) -> last completed sign-in from it. */
  countries: Record<string, number>;
  /** Autonomous system number -> last completed sign-in from it. */
  asns: Record<string, number>;
  /** The latest completed sign-in whose coordinates were known. */
  last: Place | null;
  /** When the latest sign-in completed (coordinates known or not). */
  lastSignInAt: number;
}

/** The facts of one sign-in the edge gives for free (request.cf), each possibly unknown. */
export interface SignInFacts {
  deviceId: string | null;
  country: string | null;
  asn: number | null;
  latitude: number | null;
  longitude: number | null;
  ip: string | null;
}

export function emptyHistory(): RiskHistory {
  return { devices: {}, countries: {}, asns: {}, last: null, lastSignInAt: 0 };
}

/** The `max` most recent entries seen within HISTORY_SECONDS, with `key` seen at `now`. */
function remember(entries: Record<string, number>, key: string | null, now: number, max: number) {
  const all = key === null ? { ...entries } : { ...entries, [key]: now };
  return Object.fromEntries(
    Object.entries(all)
      .filter(([, at]) => at > now - HISTORY_SECONDS)
      .sort(([, a], [, b]) => b - a)
      .slice(0, max),
  );
}

/** The history after a completed sign-in with these facts. */
export function recordSignIn(history: RiskHistory, facts: SignInFacts, now: number): RiskHistory {
  const located = facts.latitude !== null && facts.longitude !== null;
  return {
    devices: remember(history.devices, facts.deviceId, now, DEVICES_KEPT),
    countries: remember(history.countries, facts.country, now, COUNTRIES_KEPT),
    asns: remember(history.asns, facts.asn === null ? null : String(facts.asn), now, ASNS_KEPT),
    last: located
      ? { at: now, latitude: facts.latitude!, longitude: facts.longitude!, country: facts.country, asn: facts.asn }
      : history.last && history.last.at > now - HISTORY_SECONDS
        ? history.last
        : null,
    lastSignInAt: now,
  };
}

/** Reads request.cf (absent in local development and most tests: every fact then unknown). */
export function factsOf(cf: unknown, ip: string | null, deviceId: string | null): SignInFacts {
  const props = (cf ?? {}) as Record<string, unknown>;
  const number = (value: unknown) => {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof n === "number" && Number.isFinite(n) ? n : null;
  };
  const country = typeof props.country === "string" && /^[A-Z0-9]{2}$/.test(props.country) ? props.country : null;
  const asn = number(props.asn);
  const latitude = number(props.latitude);
  const longitude = number(props.longitude);
  const located = latitude !== null && longitude !== null && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
  return {
    deviceId,
    country,
    asn: asn !== null && Number.isInteger(asn) && asn >= 0 ? asn : null,
    latitude: located ? latitude : null,
    longitude: located ? longitude : null,
    ip,
  };
}
