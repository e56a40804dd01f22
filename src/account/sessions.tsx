/** @jsxImportSource hono/jsx */
// Sessions: where the user is signed in (created, last seen, address, browser), this
// browser's marked. Ending one ends its session-bound refresh tokens; ending this
// browser's own signs it out.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { forgetSessionCookie, userState } from "../sessions";
import { htmlPage } from "../ui/render";
import { AccountFrame, formatTime, noticeOf, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";

export const sessionsSection = new Hono<AppEnv>();

async function render(c: Context<AppEnv>, account: Account, error: string | null = null, status: 200 | 400 = 200) {
  const { page, tenant, user, session, csrf } = account;
  const { t } = page;
  const sessions = (await userState(c.env, tenant.id, user.id, c.var.stats).listSessions()).sort(
    (a, b) => b.lastActiveAt - a.lastActiveAt,
  );
  const action = `${sectionPath(tenant, "sessions")}/end`;
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="sessions"
      title={t("account.sessionsTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={error}
    >
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("account.sessionDevice")}</th>
              <th scope="col">{t("account.sessionTimes")}</th>
              <th scope="col">
                <span class="muted">{t("account.sessionAction")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td>
                  {s.sid === session.session.sid ? <strong>{t("account.thisDevice")} </strong> : null}
                  <span>{s.userAgent ?? t("account.unknownDevice")}</span>
                  <br />
                  <span class="muted">{t("account.sessionIp", { ip: s.ip ?? t("account.none") })}</span>
                </td>
                <td>
                  {t("account.sessionCreated", { time: formatTime(page, s.createdAt) })}
                  <br />
                  {t("account.sessionLastSeen", { time: formatTime(page, s.lastActiveAt) })}
                </td>
                <td>
                  <form method="post" action={action}>
                    <input type="hidden" name="csrf" value={csrf} />
                    <input type="hidden" name="sid" value={s.sid} />
                    <button type="submit" class="secondary">
                      {s.sid === session.session.sid ? t("account.signOutHere") : t("account.endSession")}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sessions.length > 1 ? (
        <form method="post" action={`${sectionPath(tenant, "sessions")}/end-others`}>
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit" class="secondary">
            {t("account.endOtherSessions")}
          </button>
        </form>
      ) : null}
    </AccountFrame>,
    status,
  );
}

sessionsSection.get("/", (c) => withAccount(c, "sessions", (account) => render(c, account)));

sessionsSection.post("/end", (c) =>
  withAccount(c, "sessions", async (account, form) => {
    const { tenant, directory, user, session } = account;
    const sid = form.sid ?? "";
    const state = userState(c.env, tenant.id, user.id, c.var.stats);
    // Only a session of this user can be named: the sid is looked up in the user's own object.
    const known = /^[A-Za-z0-9_-]{1,64}$/.test(sid) && (await state.listSessions()).some((s) => s.sid === sid);
    if (!known) return render(c, account, account.page.t("account.sessionGone"), 400);
    await state.endSession(sid);
    await directory.audit.record({
      type: "user.session_ended",
      actorType: "user",
      actorId: user.id,
      userId: user.id,
      details: { source: "account", current: sid === session.session.sid },
    });
    if (sid !== session.session.sid) return c.redirect(sectionPath(tenant, "sessions", "session"), 303);
    forgetSessionCookie(c, tenant);
    return c.redirect(`${sectionPath(tenant, "")}/signed-out`, 303);
  }),
);

sessionsSection.post("/end-others", (c) =>
  withAccount(c, "sessions", async (account) => {
    const { tenant, directory, user, session } = account;
    const ended = await userState(c.env, tenant.id, user.id, c.var.stats).endOtherSessions(session.session.sid);
    await directory.audit.record({
      type: "user.other_sessions_ended",
      actorType: "user",
      actorId: user.id,
      userId: user.id,
      details: { source: "account", sessions: ended.sessions, families: ended.families },
    });
    return c.redirect(sectionPath(tenant, "sessions", "others"), 303);
  }),
);
