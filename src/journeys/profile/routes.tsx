/** @jsxImportSource hono/jsx */
// The profile journey's pages (docs/journeys/progressive-profiling.md): right after a
// sign-in, the flow (src/interaction/flow.tsx) sends the user here when a tenant's
// profiling rule asks for attributes they lack. They answer (saved with an audit record)
// or, when every field is optional, skip; either way this sign-in asks no more.
import { Hono, type Context } from "hono";
import { attributeFields, profilingAttributes, readAttributeInput, type AttributeField } from "../../attributes";
import { openDirectory, type User, type UserProfile } from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import { interactionExpired, interactionPage, withInteraction } from "../../interaction/guard";
import { saveInteraction, type Interaction } from "../../interaction/state";
import { currentSession } from "../../sessions";
import { htmlPage } from "../../ui/render";
import { interactionPath, journeyPaths } from "../paths";
import { ProfilePage } from "./page";
import { interactionClient } from "../../account/client";

export const profileRoutes = new Hono<AppEnv>();

interface Asking {
  interaction: Interaction;
  user: User;
  fields: AttributeField[];
  clientName: string;
}

type Handler = (asking: Asking, form: Record<string, string>) => Promise<Response>;

/**
 * The interaction guard, plus: someone signed in during this interaction and has not
 * been asked yet, and rules ask them for something. Otherwise back to the interaction,
 * which decides what comes next.
 */
function withProfiling(c: Context<AppEnv>, handle: Handler): Promise<Response> {
  return withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const back = () => c.redirect(interactionPath(tenant, interaction.id), 303);
    const session = await currentSession(c, tenant);
    if (!session || interaction.authenticatedUserId !== session.userId) return back();
    if (interaction.profileAskedUserId === session.userId) return back();
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const [user, client] = await Promise.all([
      directory.users.get(session.userId),
      interactionClient(c.env, tenant, directory, interaction.request),
    ]);
    if (!user || !client) return interactionExpired(c);
    const requirements = profilingAttributes(tenant.profilingRules, user, interaction.request.scopes);
    const { t, locale } = await interactionPage(c, interaction);
    const fields = requirements.length
      ? attributeFields(requirements, await directory.attributes.list(), t, locale)
      : [];
    if (!fields.length) {
      // Nothing (left) to ask, e.g. a custom attribute deleted meanwhile: do not come back.
      if (!(await saveInteraction(c, tenant, interaction, { profileAskedUserId: user.id })))
        return interactionExpired(c);
      return back();
    }
    return handle({ interaction, user, fields, clientName: client.clientName ?? client.clientId }, form);
  });
}

async function showProfile(
  c: Context<AppEnv>,
  asking: Asking,
  status: 200 | 400,
  values: Record<string, string> = {},
  errors: Record<string, string> = {},
  error: string | null = null,
) {
  const page = await interactionPage(c, asking.interaction);
  return htmlPage(
    c,
    <ProfilePage
      page={page}
      clientName={asking.clientName}
      action={journeyPaths.profile(c.var.tenant, asking.interaction.id)}
      csrf={asking.interaction.csrf}
      fields={asking.fields}
      values={values}
      errors={errors}
      error={error}
    />,
    status,
  );
}

profileRoutes.get("/", (c) => withProfiling(c, (asking) => showProfile(c, asking, 200)));

profileRoutes.post("/", (c) =>
  withProfiling(c, async (asking, form) => {
    const tenant = c.var.tenant;
    const { interaction, user, fields } = asking;
    const { t } = await interactionPage(c, interaction);
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const audit = (type: string, details: Record<string, unknown>) => ({
      type,
      actorType: "user" as const,
      actorId: user.id,
      userId: user.id,
      clientId: interaction.request.clientId,
      ip: clientIpOf(c.req.raw),
      userAgent: c.req.header("User-Agent") ?? null,
      details: { source: "progressive_profiling", ...details },
    });

    if (form.decision === "skip") {
      if (fields.some((field) => field.required)) return showProfile(c, asking, 400, {}, {}, t("profile.cannotSkip"));
      await directory.audit.record(audit("user.profile_skipped", { attributes: fields.map((f) => f.name) }));
    } else {
      const input = readAttributeInput(fields, form, t);
      if (Object.keys(input.errors).length)
        return showProfile(c, asking, 400, input.typed, input.errors, t("profile.fixErrors"));
      // Only what was given: an optional field left empty stays unset, to be asked again later.
      const profile = Object.fromEntries(
        Object.entries(input.profile).filter(([, value]) => value !== null && value !== false),
      ) as UserProfile;
      const custom = Object.fromEntries(Object.entries(input.custom).filter(([, value]) => value !== null));
      const given = fields
        .filter((f) => f.name in custom || (f.definition === undefined && form[f.name]?.trim()))
        .map((f) => f.name);
      const changes: UserProfile = Object.keys(custom).length
        ? { ...profile, customAttributes: { ...user.customAttributes, ...custom } }
        : profile;
      if (given.length)
        await directory.users.update(user.id, changes, undefined, audit("user.profile_updated", { attributes: given }));
    }
    if (!(await saveInteraction(c, tenant, interaction, { profileAskedUserId: user.id }))) return interactionExpired(c);
    return c.redirect(interactionPath(tenant, interaction.id), 303);
  }),
);
