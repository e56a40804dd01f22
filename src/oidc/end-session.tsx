/** @jsxImportSource hono/jsx */
// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). With a valid id_token_hint
// for the browser's session, the session ends at once; otherwise the user is asked to
// confirm. The user is sent back to post_logout_redirect_uri only when a valid
// id_token_hint names the client and the URI is one it registered, exactly.
import type { Context } from "hono";
import { issuerFor, publicBaseUrl } from "../config";
import { randomToken, timingSafeEqual, utf8 } from "../crypto/encoding";
import { openDirectory, type Tenant } from "../directory";
import { ephemeralStore } from "../ephemeral";
import type { AppEnv } from "../env";
import { clientIpOf } from "../http/client-ip";
import { currentSession, forgetSessionCookie, userState, type CurrentSession } from "../sessions";
import { verifyIdTokenHint } from "../tokens";
import type { MessageKey } from "../i18n";
import { pageContext, type PageContext } from "../ui/page";
import { SignedOutPage, SignOutConfirmPage } from "../ui/pages/messages";
import { errorPage, htmlPage } from "../ui/render";
import { readAtMost } from "./token/parameters";

const CONFIRMATION_TTL = 600;

interface PendingLogout {
  sid: string;
  userId: string;
  csrf: string;
}

async function readParameters(c: Context<AppEnv>): Promise<URLSearchParams | null> {
  if (c.req.method === "GET") return new URL(c.req.url).searchParams;
  if (!c.req.header("Content-Type")?.startsWith("application/x-www-form-urlencoded")) return null;
  const body = await readAtMost(c.req.raw, 16 * 1024);
  return body ? new URLSearchParams(new TextDecoder().decode(body)) : null;
}

async function endSession(c: Context<AppEnv>, tenant: Tenant, current: CurrentSession, clientId: string | null) {
  const ended = await userState(c.env, tenant.id, current.userId, c.var.stats).endSession(current.session.sid);
  forgetSessionCookie(c, tenant);
  await openDirectory(c.env, tenant, c.var.stats).audit.record({
    type: "user.signed_out",
    actorType: "user",
    actorId: current.userId,
    userId: current.userId,
    clientId,
    ip: clientIpOf(c.req.raw),
    userAgent: c.req.header("User-Agent") ?? null,
    details: { sid: current.session.sid, clients: ended.clients, via: "rp_initiated_logout" },
  });
}

/** Asks the user to confirm: nothing proves this sign-out request comes from them. */
async function askToConfirm(c: Context<AppEnv>, tenant: Tenant, current: CurrentSession, page: PageContext) {
  const logoutId = randomToken(16);
  const pending: PendingLogout = { sid: current.session.sid, userId: current.userId, csrf: randomToken(32) };
  await ephemeralStore<PendingLogout>(c.env, tenant.id, "logout", logoutId, c.var.stats).put(pending, CONFIRMATION_TTL);
  return htmlPage(
    c,
    <SignOutConfirmPage
      page={page}
      action={`/t/${tenant.slug}/logout`}
      csrf={pending.csrf}
      fields={{ logout_id: logoutId, ...(page.locale ? { ui_locales: page.locale } : {}) }}
    />,
  );
}

function signedOut(c: Context<AppEnv>, page: PageContext, note: MessageKey | null = null) {
  return htmlPage(c, <SignedOutPage page={page} note={note && page.t(note)} />);
}

export async function endSessionEndpoint(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  const issuer = issuerFor(c.env, tenant.slug);
  const form = await readParameters(c);
  if (!form) return errorPage(c, 400, "logout.failedTitle", "logout.malformed");
  const get = (name: string) => form.get(name) || undefined;
  const page = await pageContext(c, get("ui_locales") ?? null);
  const current = await currentSession(c, tenant);

  // The confirmation form posts back here.
  if (c.req.method === "POST" && get("confirm") === "yes") {
    const origin = c.req.header("Origin");
    if (origin && origin !== "null" && origin !== new URL(publicBaseUrl(c.env)).origin)
      return errorPage(c, 403, "common.refusedTitle", "common.crossSite", undefined, page);
    const pending = await ephemeralStore<PendingLogout>(
      c.env,
      tenant.id,
      "logout",
      get("logout_id") ?? "-",
      c.var.stats,
    ).take();
    const csrf = get("csrf") ?? "";
    if (!pending || !timingSafeEqual(utf8.encode(csrf), utf8.encode(pending.csrf)))
      return errorPage(c, 400, "logout.failedTitle", "logout.expired", undefined, page);
    if (current && current.session.sid === pending.sid) await endSession(c, tenant, current, null);
    return signedOut(c, page);
  }

  const hintToken = get("id_token_hint");
  const hint = hintToken ? await verifyIdTokenHint(c.env, c.var.stats, tenant.id, issuer, hintToken) : null;
  const clientIdParameter = get("client_id");
  if (hint && clientIdParameter && !hint.audiences.includes(clientIdParameter))
    return errorPage(c, 400, "logout.failedTitle", "logout.notForClient", undefined, page);
  const redirectUri = get("post_logout_redirect_uri");

  if (!hint) {
    // Nothing proves the request comes from the user's application: ask the user.
    if (!current) return signedOut(c, page, redirectUri ? "logout.unverified" : null);
    return askToConfirm(c, tenant, current, page);
  }

  // The hint names someone else than who is signed in here: let the user decide.
  if (current && current.userId !== hint.subject) return askToConfirm(c, tenant, current, page);

  const clientId = clientIdParameter ?? (hint.audiences.length === 1 ? hint.audiences[0]! : null);
  if (current) await endSession(c, tenant, current, clientId);
  if (!redirectUri) return signedOut(c, page);
  const client = clientId ? await openDirectory(c.env, tenant, c.var.stats).clients.get(clientId) : null;
  if (!client || !client.postLogoutRedirectUris.includes(redirectUri)) return signedOut(c, page, "logout.unregistered");
  const target = new URL(redirectUri);
  const state = get("state");
  if (state) target.searchParams.set("state", state);
  // Through the context, so the session cookie's deletion goes out with the redirect.
  c.header("Cache-Control", "no-store");
  return c.redirect(target.toString(), 303);
}
