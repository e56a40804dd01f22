// What every account route checks before it acts: the browser is signed in with this
// tenant (else a sign-in starts that comes back here) as a live user; a POST is a small
// same-site form carrying the browser's CSRF token (double submit, src/http/csrf.ts).
import type { Context } from "hono";
import { openDirectory, type Directory, type Tenant, type UserRecord } from "../directory";
import type { AppEnv } from "../env";
import { csrfToken } from "../http/csrf";
import { readStandaloneForm } from "../http/standalone-form";
import { currentSession, forgetSessionCookie, type CurrentSession } from "../sessions";
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
  const page = await pageContext(c);
  return handle({ tenant, directory, user, session, page, csrf: csrfToken(c) }, form);
}
