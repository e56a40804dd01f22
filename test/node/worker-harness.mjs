// Runs the production bundle (built by scripts/build-check.mjs with `wrangler deploy
// --dry-run`, refreshed by ./global-setup.mjs) under wrangler's test harness on a loopback port, with fresh local D1, KV
// and Durable Objects, so Node-side client libraries can talk HTTP to the real thing.
import { createTestHarness } from "wrangler";
import { BUILD_DIR } from "../../scripts/build-check.mjs";
import { TEST_SECRETS } from "../test-secrets.mjs";

// No internet here: skip miniflare's download of a sample Request.cf object.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

export { TEST_SECRETS };

/**
 * @param {{ vars?: Record<string, string> }} [options] `vars` are merged over the
 *   worker's vars (EMAIL_PROVIDER, EMAIL_API_URL, ...; PUBLIC_BASE_URL too, when a test
 *   needs the worker to believe it is elsewhere).
 * @returns {Promise<{ baseUrl: string, close: () => Promise<void>, logs: () => { level: string, message: string }[] }>}
 *   `logs()`: what the worker logged so far (console.log, console.error, ...).
 */
export async function startWorker({ vars = {} } = {}) {
  const server = createTestHarness({
    workers: [{ configPath: "./wrangler.toml", prebuiltWorkerDir: BUILD_DIR, secrets: TEST_SECRETS }],
  });
  const { url } = await server.listen();
  // The issuer must be the address clients use, known only once the port is.
  await server.update((options) => ({
    ...options,
    workers: options.workers.map((worker) => ({ ...worker, vars: { PUBLIC_BASE_URL: url.origin, ...vars } })),
  }));
  await server.getWorker().applyD1Migrations("DB");
  return { baseUrl: url.origin, close: () => server.close(), logs: () => server.getLogs() };
}
