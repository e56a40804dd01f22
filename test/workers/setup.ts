// Every test starts from empty storage with migrations applied: the runner does not
// isolate storage between tests, so we wipe it and this isolate's memory caches.
import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { clearMemoryCache } from "../../src/storage/cache";

beforeEach(async () => {
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  clearMemoryCache();
});
