// The adaptive risk score of a sign-in, as a pure function of its facts, the account's
// history and the tenant's settings. Each rule that fires adds its weight and names its
// reason; the sum is capped at 100. A score at or above the tenant's threshold (default
// 50) asks for a second factor. docs/mfa/adaptive.md explains the rules to admins.
import type { RiskDenyList } from "../../storage/schema";
import type { RiskHistory, SignInFacts } from "./history";
import { inRange, parseCidr, parseIp } from "./ip-range";

/** The weight of each reason: the one table to change. */
export const RISK_WEIGHTS = {
  /** The country, network or address is on the tenant's deny list: reaches any threshold. */
  deny_list: 100,
  /** Faster than an airliner between the last completed sign-in and this one. */
  impossible_travel: 60,
  /** Cloudflare's country code T1: the Tor network. */
  anonymous_network: 40,
  /**
   * This browser never completed a sign-in to the account (or not in HISTORY_SECONDS):
   * alone, it reaches the default threshold (as Auth0's adaptive MFA steps up a new device).
   */
  new_device: 50,
  /** A country the account has not signed in from (only once it has a country history). */
  new_country: 25,
  /** A network (ASN) the account has not signed in from (only once it has an ASN history). */
  new_asn: 15,
  /** Per failed password or second-factor attempt on the account in the last hour... */
  recent_failure: 15,
  /** ...up to this much. */
  recent_failures_max: 45,
} as const;

/** Impossible travel: faster than this between two places at least MIN_TRAVEL_KM apart. */
export const MAX_TRAVEL_KMH = 900;
export const MIN_TRAVEL_KM = 300;

export interface RiskScore {
  score: number;
  reasons: string[];
  /** Coarse facts for the audit record: no coordinates finer than one decimal, no IP. */
  signals: Record<string, unknown>;
}

export interface RiskPolicy {
  denyList: RiskDenyList;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance (haversine) in kilometres. */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Which deny-list entries this sign-in matches: "country", "asn", "ip". */
export function denyListMatches(list: RiskDenyList, facts: SignInFacts): string[] {
  const matches: string[] = [];
  if (facts.country !== null && list.countries.includes(facts.country)) matches.push("country");
  if (facts.asn !== null && list.asns.includes(facts.asn)) matches.push("asn");
  const address = facts.ip === null ? null : parseIp(facts.ip);
  if (
    address &&
    list.ip_ranges.some((cidr) => {
      const parsed = parseCidr(cidr);
      return "range" in parsed && inRange(address, parsed.range);
    })
  )
    matches.push("ip");
  return matches;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

export function scoreSignIn(
  facts: SignInFacts,
  history: RiskHistory,
  recentFailures: number,
  policy: RiskPolicy,
  now: number,
): RiskScore {
  const reasons: string[] = [];
  let score = 0;
  const add = (reason: string, weight: number) => {
    reasons.push(reason);
    score += weight;
  };
  const signals: Record<string, unknown> = {
    country: facts.country,
    asn: facts.asn,
    latitude: facts.latitude === null ? null : oneDecimal(facts.latitude),
    longitude: facts.longitude === null ? null : oneDecimal(facts.longitude),
    known_device: facts.deviceId !== null && facts.deviceId in history.devices,
    recent_failures: recentFailures,
  };

  for (const match of denyListMatches(policy.denyList, facts)) add(`deny_list:${match}`, RISK_WEIGHTS.deny_list);

  if (history.last && facts.latitude !== null && facts.longitude !== null) {
    const km = distanceKm(history.last, { latitude: facts.latitude, longitude: facts.longitude });
    const hours = Math.max(now - history.last.at, 60) / 3600;
    const kmh = km / hours;
    signals.distance_km = Math.round(km);
    signals.speed_kmh = Math.round(kmh);
    if (km >= MIN_TRAVEL_KM && kmh > MAX_TRAVEL_KMH) add("impossible_travel", RISK_WEIGHTS.impossible_travel);
  }

  if (facts.country === "T1") add("anonymous_network", RISK_WEIGHTS.anonymous_network);
  if (!signals.known_device) add("new_device", RISK_WEIGHTS.new_device);
  const knownCountries = Object.keys(history.countries);
  if (facts.country !== null && knownCountries.length > 0 && !knownCountries.includes(facts.country))
    add("new_country", RISK_WEIGHTS.new_country);
  const knownAsns = Object.keys(history.asns);
  if (facts.asn !== null && knownAsns.length > 0 && !knownAsns.includes(String(facts.asn)))
    add("new_asn", RISK_WEIGHTS.new_asn);
  if (recentFailures > 0)
    add("recent_failures", Math.min(recentFailures * RISK_WEIGHTS.recent_failure, RISK_WEIGHTS.recent_failures_max));

  return { score: Math.min(score, 100), reasons, signals };
}
