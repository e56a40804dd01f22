// Worker entry: HTTP requests, the key-maintenance Cron Trigger, and the Durable Object
// classes wrangler.toml binds.
import { app } from "./app";
import type { Env } from "./env";
import { runScheduledMaintenance } from "./maintenance";

export { KeyRing } from "./keys";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runScheduledMaintenance(env));
  },
} satisfies ExportedHandler<Env>;
