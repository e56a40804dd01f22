/** @jsxImportSource hono/jsx */
// The hosted pages of an interaction: GET shows what the user must do next; each POST
// (sign in, choose account, consent) checks the browser binding and the CSRF token,
// records the answer and answers 303 back to the GET.
import { Hono, type Context } from "hono";
import { issuerFor, publicBaseUrl } from "../config";
import { openDirectory } from "../directory";
import type { AppEnv } from "../env";
import { clientIpOf } from "../http/client-ip";
import { authorizationError } from "../oidc/authorize/respond";
import { currentSession, startSession, userState } from "../sessions";
import { deviceCookie, readCookie, writeCookie } from "../sessions/cookies";
import { readAtMost } from "../oidc/token/parameters";
import { signInWithPassword } from "../signin/password";
import { deviceIdOf, newDeviceCookieValue } from "../throttle/device";
import { pageHeaders } from "../ui/headers";
import { ErrorPage } from "../ui/pages/messages";
import { PASSWORD_ACR } from "../oidc/discovery";
import { interactionPath, proceed, renderStep } from "./flow";
import { csrfMatches, finishInteraction, loadInteraction, saveInteraction, type Interaction } from "./state";

export const interactionRoutes = new Hono<AppEnv>();

const DEVICE_COOKIE_TTL = 365 * 86_400;
/** Hosted forms hold an email, a password and a token: nothing near this size. */
const MAX_FORM_BYTES = 8 * 1024;
/** Longer than any password a user could have set (the policy allows 256 characters). */
const MAX_PASSWORD_TYPED = 1024;

function expired(c: Context<AppEnv>) {
  return c.html(
    <ErrorPage
      title="This sign-in has expired"
      message="This page is no longer valid. Go back to the application and start signing in again."
    />,
    400,
    pageHeaders(),
  );
}

/** Form posts must come from our own pages: a cross-site POST is refused outright. */
function crossSite(c: Context<AppEnv>): boolean {
  const origin = c.req.header("Origin");
  if (origin && origin !== "null" && origin !== new URL(publicBaseUrl(c.env)).origin) return true;
  return c.req.header("Sec-Fetch-Site") === "cross-site";
}

async function withInteraction(
  c: Context<AppEnv>,
  handle: (interaction: Interaction, form: Record<string, string>) => Promise<Response>,
): Promise<Response> {
  const tenant = c.var.tenant;
  const interaction = await loadInteraction(c, tenant, c.req.param("id") ?? "");
  if (!interaction) return expired(c);
  let form: Record<string, string> = {};
  if (c.req.method === "POST") {
    if (crossSite(c))
      return c.html(
        <ErrorPage title="Request refused" message="This form was sent from another site." />,
        403,
        pageHeaders(),
      );
    const type = c.req.header("Content-Type") ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded")) return expired(c);
    const bytes = await readAtMost(c.req.raw, MAX_FORM_BYTES);
    if (!bytes)
      return c.html(<ErrorPage title="Request refused" message="This form is too large." />, 413, pageHeaders());
    form = Object.fromEntries(new URLSearchParams(new TextDecoder().decode(bytes)));
    if (!csrfMatches(interaction, form.csrf))
      return c.html(
        <ErrorPage title="Request refused" message="This form has expired. Reload the page and try again." />,
        403,
        pageHeaders(),
      );
  }
  return handle(interaction, form);
}

async function clientOf(c: Context<AppEnv>, interaction: Interaction) {
  return openDirectory(c.env, c.var.tenant, c.var.stats).clients.get(interaction.request.clientId);
}

interactionRoutes.get("/:id", (c) =>
  withInteraction(c, async (interaction) => {
    const directory = openDirectory(c.env, c.var.tenant, c.var.stats);
    const client = await clientOf(c, interaction);
    if (!client) return expired(c);
    return proceed(c, c.var.tenant, directory, client, interaction.request, interaction, interaction.hintSubject);
  }),
);

interactionRoutes.post("/:id/login", (c) =>
  withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const client = await clientOf(c, interaction);
    if (!client) return expired(c);
    const email = (form.email ?? "").trim();
    const password = form.password ?? "";
    const again = (message: string, status: 400 | 401 | 403 | 429) =>
      renderStep(c, tenant, directory, client, interaction, "login", null, message, status, email);
    if (!email || !password) return again("Enter your email and your password.", 400);
    if (password.length > MAX_PASSWORD_TYPED || email.length > 254) return again("Incorrect email or password.", 401);

    // A browser without a device cookie gets one if it signs in: the account then knows it.
    const knownDevice = await deviceIdOf(c.env.SIGNING_KEY_ENCRYPTION_KEY, readCookie(c, deviceCookie(c.env)));
    const newDevice = knownDevice ? null : await newDeviceCookieValue(c.env.SIGNING_KEY_ENCRYPTION_KEY);
    const deviceId = knownDevice ?? newDevice!.deviceId;
    const outcome = await signInWithPassword(
      { env: c.env, tenant, directory, request: c.req.raw, deviceId, clientId: client.clientId },
      email,
      password,
    );
    if (!outcome.ok) {
      if (outcome.reason === "throttled")
        return again(`Too many attempts. Wait ${Math.max(1, outcome.retryAfter)} seconds, then try again.`, 429);
      if (outcome.reason === "blocked") return again("This account is blocked. Contact support for help.", 403);
      return again("Incorrect email or password.", 401);
    }

    // A browser holds one session per tenant: signing in as someone ends the previous one.
    const previous = await currentSession(c, tenant);
    if (previous) await userState(c.env, tenant.id, previous.userId).endSession(previous.session.sid);
    const now = Math.floor(Date.now() / 1000);
    await startSession(
      c,
      tenant,
      outcome.user.id,
      { authTime: now, amr: ["pwd"], acr: PASSWORD_ACR },
      { ip: clientIpOf(c.req.raw), userAgent: c.req.header("User-Agent") ?? null },
    );
    if (newDevice) writeCookie(c, deviceCookie(c.env), newDevice.value, DEVICE_COOKIE_TTL);
    const saved = await saveInteraction(c, tenant, interaction, {
      authenticatedAt: now,
      authenticatedUserId: outcome.user.id,
      accountChosenUserId: outcome.user.id,
      forceLogin: false,
    });
    if (!saved) return expired(c);
    return c.redirect(interactionPath(tenant, interaction), 303);
  }),
);

interactionRoutes.post("/:id/select-account", (c) =>
  withInteraction(c, async (interaction, form) => {
    const session = await currentSession(c, c.var.tenant);
    const choice = form.choice === "other" || !session ? { forceLogin: true } : { accountChosenUserId: session.userId };
    if (!(await saveInteraction(c, c.var.tenant, interaction, choice))) return expired(c);
    return c.redirect(interactionPath(c.var.tenant, interaction), 303);
  }),
);

interactionRoutes.post("/:id/consent", (c) =>
  withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const session = await currentSession(c, tenant);
    // Signed out, or signed in as someone else since the page was shown: ask again.
    if (!session || form.for_user !== session.userId) return c.redirect(interactionPath(tenant, interaction), 303);
    const request = interaction.request;
    if (form.decision !== "allow") {
      await finishInteraction(c, tenant, interaction);
      await directory.audit.record({
        type: "consent.denied",
        actorType: "user",
        actorId: session.userId,
        userId: session.userId,
        clientId: request.clientId,
        details: { scopes: request.scopes },
      });
      return authorizationError(
        c,
        request,
        issuerFor(c.env, tenant.slug),
        "access_denied",
        "the user denied the request",
      );
    }
    await directory.consents.grant(session.userId, request.clientId, request.scopes, {
      type: "consent.granted",
      actorType: "user",
      actorId: session.userId,
      details: { scopes: request.scopes },
    });
    if (!(await saveInteraction(c, tenant, interaction, { consentedUserId: session.userId }))) return expired(c);
    return c.redirect(interactionPath(tenant, interaction), 303);
  }),
);
