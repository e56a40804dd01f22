// Worker entry: HTTP requests, the key-maintenance Cron Trigger, and the Durable Object
// classes wrangler.toml binds.
import { app } from "./app";
import type { Env } from "./env";
import { runScheduledMaintenance } from "./maintenance";

export { Ephemeral } from "./ephemeral";
export { KeyRing } from "./keys";
export { UserState } from "./sessions/user-state";
export { SignInThrottle } from "./throttle/sign-in-throttle";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runScheduledMaintenance(env));
  },
} satisfies ExportedHandler<Env>;
