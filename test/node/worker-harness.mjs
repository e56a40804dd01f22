// Runs the production bundle (built by scripts/build-check.mjs with `wrangler deploy
// --dry-run`, refreshed by ./global-setup.mjs) under wrangler's test harness on a loopback port, with fresh local D1, KV
// and Durable Objects, so Node-side client libraries can talk HTTP to the real thing.
import { createTestHarness } from "wrangler";
import { BUILD_DIR } from "../../scripts/build-check.mjs";
import { TEST_SECRETS } from "../test-secrets.mjs";

// No internet here: skip miniflare's download of a sample Request.cf object.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

export { TEST_SECRETS };

/** @returns {Promise<{ baseUrl: string, close: () => Promise<void> }>} */
export async function startWorker() {
  const server = createTestHarness({
    workers: [{ configPath: "./wrangler.toml", prebuiltWorkerDir: BUILD_DIR, secrets: TEST_SECRETS }],
  });
  const { url } = await server.listen();
  // The issuer must be the address clients use, known only once the port is.
  await server.update((options) => ({
    ...options,
    workers: options.workers.map((worker) => ({ ...worker, vars: { PUBLIC_BASE_URL: url.origin } })),
  }));
  await server.getWorker().applyD1Migrations("DB");
  return { baseUrl: url.origin, close: () => server.close() };
}
