// What every account route checks before it acts: the browser is signed in with this
// tenant (else a sign-in starts that comes back here) as a live user; a POST is a small
// same-site form carrying the browser's CSRF token (double submit, src/http/csrf.ts).
import type { Context } from "hono";
import { hasStrongFactor, openDirectory, type Directory, type Tenant, type UserRecord } from "../directory";
import type { AppEnv } from "../env";
import { csrfToken } from "../http/csrf";
import { readStandaloneForm } from "../http/standalone-form";
import { currentSession, forgetSessionCookie, userState, type CurrentSession } from "../sessions";
import { acrForAmr, combinedAmr, levelOf } from "../mfa/levels";
import { pageContext, type PageContext } from "../ui/page";
import { startAccountSignIn } from "./client";
import { sectionPath, type Section } from "./frame";

export interface Account {
  tenant: Tenant;
  directory: Directory;
  user: UserRecord;
  session: CurrentSession;
  page: PageContext;
  /** The value every form of the page repeats. */
  csrf: string;
}

export type AccountHandler = (account: Account, form: Record<string, string>) => Promise<Response>;

/**
 * The account's session just proved a factor (a new app's first code, a new passkey): it
 * counts as a two-factor session from now on, keeping its sign-in time.
 */
export async function strengthenSession(c: Context<AppEnv>, account: Account, amr: string[]): Promise<void> {
  const { session, tenant, user } = account;
  const strengthened = combinedAmr(session.session.amr, amr);
  await userState(c.env, tenant.id, user.id, c.var.stats).reauthenticate(session.session.sid, {
    amr: strengthened,
    acr: acrForAmr(strengthened),
    authTime: session.session.authTime,
  });
}

async function accountNeedsTwoFactors(tenant: Tenant, directory: Directory, userId: string): Promise<boolean> {
  if (tenant.mfaPolicy === "required") return true;
  return hasStrongFactor(await directory.factors.summary(userId));
}

export async function withAccount(c: Context<AppEnv>, section: Section, handle: AccountHandler): Promise<Response> {
  const tenant = c.var.tenant;
  let form: Record<string, string> = {};
  if (c.req.method === "POST") {
    const read = await readStandaloneForm(c);
    if (read instanceof Response) return read;
    form = read;
  }
  const directory = openDirectory(c.env, tenant, c.var.stats);
  const session = await currentSession(c, tenant);
  const user = session ? await directory.users.get(session.userId) : null;
  if (!session || !user || user.status !== "active") {
    if (session) forgetSessionCookie(c, tenant);
    // A form sent after the session ended: back to the section, which asks to sign in.
    if (c.req.method !== "GET") return c.redirect(sectionPath(tenant, section), 303);
    return startAccountSignIn(c, tenant, section);
  }
  // A one-factor session (an app whose policy asks for less, a low adaptive score) must not
  // manage an account that has a second factor, or one the tenant requires: step up first.
  if (levelOf(session.session.acr) < 2 && (await accountNeedsTwoFactors(tenant, directory, user.id))) {
    if (c.req.method !== "GET") return c.redirect(sectionPath(tenant, section), 303);
    return startAccountSignIn(c, tenant, section, { stepUp: true });
  }
  const page = await pageContext(c);
  return handle({ tenant, directory, user, session, page, csrf: csrfToken(c) }, form);
}
