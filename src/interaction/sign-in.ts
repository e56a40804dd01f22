// What every way of signing in ends with, once the user is known: the browser's previous
// session (with this tenant) ends, a new one starts, the browser becomes a known device
// of the account, and the interaction records who signed in and when.
import type { Context } from "hono";
import type { Tenant } from "../directory";
import type { AppEnv } from "../env";
import { clientIpOf } from "../http/client-ip";
import { currentSession, startSession, userState, type AuthenticationFacts } from "../sessions";
import { deviceCookie, readCookie, writeCookie } from "../sessions/cookies";
import { deviceIdOf, newDeviceCookieValue } from "../throttle/device";
import { saveInteraction, type Interaction } from "./state";

const DEVICE_COOKIE_TTL = 365 * 86_400;

type BrowserDevice = { deviceId: string; remember: () => void };
/** One answer per request: a browser without the cookie gets one new id, however often asked. */
const devicesOfRequests = new WeakMap<Request, Promise<BrowserDevice>>();

/** The browser's device id for throttling and risk, and the cookie to set if it had none. */
export function browserDevice(c: Context<AppEnv>): Promise<BrowserDevice> {
  let device = devicesOfRequests.get(c.req.raw);
  if (!device) devicesOfRequests.set(c.req.raw, (device = readOrMintDevice(c)));
  return device;
}

async function readOrMintDevice(c: Context<AppEnv>): Promise<BrowserDevice> {
  const known = await deviceIdOf(c.env.SIGNING_KEY_ENCRYPTION_KEY, readCookie(c, deviceCookie(c.env)));
  const fresh = known ? null : await newDeviceCookieValue(c.env.SIGNING_KEY_ENCRYPTION_KEY);
  return {
    deviceId: known ?? fresh!.deviceId,
    /** Call once the sign-in succeeded: the account then knows this browser. */
    remember: () => {
      if (fresh) writeCookie(c, deviceCookie(c.env), fresh.value, DEVICE_COOKIE_TTL);
    },
  };
}

/** Starts the user's session and records the sign-in in the interaction; false if the interaction moved on. */
export async function signInToInteraction(
  c: Context<AppEnv>,
  tenant: Tenant,
  interaction: Interaction,
  userId: string,
  facts: Omit<AuthenticationFacts, "authTime">,
  changes: Partial<Interaction> = {},
): Promise<boolean> {
  // A browser holds one session per tenant: signing in as someone ends the previous one.
  const previous = await currentSession(c, tenant);
  if (previous) await userState(c.env, tenant.id, previous.userId, c.var.stats).endSession(previous.session.sid);
  const now = Math.floor(Date.now() / 1000);
  await startSession(
    c,
    tenant,
    userId,
    { ...facts, authTime: now },
    { ip: clientIpOf(c.req.raw), userAgent: c.req.header("User-Agent") ?? null },
  );
  return saveInteraction(c, tenant, interaction, {
    authenticatedAt: now,
    authenticatedUserId: userId,
    accountChosenUserId: userId,
    forceLogin: false,
    ...changes,
  });
}
