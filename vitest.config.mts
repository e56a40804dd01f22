// Three projects: `workers` runs inside workerd against real local D1, KV and Durable
// Objects (@cloudflare/vitest-plugin); `node` drives the built worker over loopback
// HTTP with real client libraries (openid-client, jose); `browser` drives it with the
// Debian Chromium through playwright-core (axe-core checks, screenshots).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { TEST_SECRETS } from "./test/test-secrets.mjs";

const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...TEST_SECRETS,
                PUBLIC_BASE_URL: "https://latchkey.test",
                SERVER_TIMING: "on",
                TEST_MIGRATIONS: migrations,
              },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          setupFiles: ["test/workers/setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          globalSetup: ["test/node/global-setup.mjs"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/node/global-setup.mjs"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One file (one worker, one Chromium) at a time: the machines have two cores.
          fileParallelism: false,
          maxWorkers: 1,
          // Pages arrive a moment after a click: expect.poll waits up to 20 s, not 1 s.
          expect: { poll: { timeout: 20_000 } },
        },
      },
    ],
  },
});
