/** @jsxImportSource hono/jsx */
// What the code pages of the second-factor step share (authenticator app, recovery code,
// email code, and setting up an app): the interaction guard plus whom the step is for,
// the page frame with its "try another way" link, and the attempt throttle around a check.
import type { Context } from "hono";
import type { Child, FC } from "hono/jsx";
import { openDirectory, type Directory } from "../../directory";
import type { AppEnv } from "../../env";
import { interactionPage, withInteraction } from "../../interaction/guard";
import type { Interaction } from "../../interaction/state";
import { interactionPath } from "../../journeys/paths";
import { ErrorMessage } from "../../ui/form-errors";
import { Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";
import { mfaPaths } from "../paths";
import {
  afterSecondFactor,
  secondFactorTarget,
  secondFactorThrottle,
  type SecondFactorMethod,
  type SecondFactorTarget,
} from "../sign-in";

export interface CodeStep {
  interaction: Interaction;
  directory: Directory;
  target: SecondFactorTarget;
  page: PageContext;
}

/** The interaction guard, then whom the step is for; nothing to do: back to the interaction. */
export function withSecondFactorStep(
  c: Context<AppEnv>,
  handle: (step: CodeStep, form: Record<string, string>) => Promise<Response>,
): Promise<Response> {
  return withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const target = await secondFactorTarget(c, tenant, directory, interaction);
    if (!target) return c.redirect(interactionPath(tenant, interaction.id), 303);
    const page = await interactionPage(c, interaction);
    return handle({ interaction, directory, target, page }, form);
  });
}

/**
 * The step guard, then whether the method serves this step (`usable`: what it needs, or
 * null): a method that does not (the user has none, or only a passkey would do) sends the
 * browser to the choice of methods.
 */
export function withMethod<T>(
  c: Context<AppEnv>,
  usable: (step: CodeStep) => Promise<T | null>,
  handle: (step: CodeStep, usable: T, form: Record<string, string>) => Promise<Response>,
): Promise<Response> {
  return withSecondFactorStep(c, async (step, form) => {
    const found = await usable(step);
    if (found === null) return c.redirect(mfaPaths.choose(c.var.tenant, step.interaction.id), 303);
    return handle(step, found, form);
  });
}

/** The chooser with every method listed. */
export const anotherWayPath = (c: Context<AppEnv>, step: CodeStep) =>
  `${mfaPaths.choose(c.var.tenant, step.interaction.id)}?all`;

export const ERROR_ID = "factor-error";

export const CodeStepPage: FC<{
  page: PageContext;
  title: string;
  intro?: Child;
  error?: string | null;
  notice?: string | null;
  anotherWay: string;
  children?: Child;
}> = ({ page, title, intro, error, notice, anotherWay, children }) => (
  <Layout page={page} title={title}>
    <h1>{title}</h1>
    {intro ? <p>{intro}</p> : null}
    {notice && !error ? (
      <p class="notice" role="status">
        {notice}
      </p>
    ) : null}
    <ErrorMessage id={ERROR_ID} message={error} />
    {children}
    <div class="alternatives">
      <a href={anotherWay}>{page.t("authenticators.tryAnotherWay")}</a>
    </div>
  </Layout>
);

export type CheckedFactor = { ok: true } | { ok: false; error: string };

/**
 * Runs `check` as one attempt of the user's second-factor throttle: refused while it is
 * locked or backing off (429, with the wait); a success refunds the attempt and completes
 * the sign-in (or step-up) with `amr`.
 */
export async function throttledFactorCheck(
  c: Context<AppEnv>,
  step: CodeStep,
  method: SecondFactorMethod,
  amr: string[],
  check: () => Promise<CheckedFactor>,
  refuse: (status: 400 | 429, error: string) => Response | Promise<Response>,
): Promise<Response> {
  const tenant = c.var.tenant;
  const { target, directory, interaction, page } = step;
  const throttle = secondFactorThrottle(c.env, tenant, target.user.id);
  const decision = await throttle.attempt();
  if (!decision.allowed)
    return refuse(429, page.t("authenticators.throttled", { seconds: Math.max(1, decision.retryAfter) }));
  const checked = await check();
  if (!checked.ok) {
    await directory.audit.record({
      type: "user.second_factor_failed",
      actorType: "user",
      actorId: target.user.id,
      userId: target.user.id,
      clientId: interaction.request.clientId,
      details: { method, step_up: target.stepUp },
    });
    return refuse(400, checked.error);
  }
  await throttle.succeeded();
  return afterSecondFactor(c, tenant, directory, interaction, target.user.id, amr, method);
}
