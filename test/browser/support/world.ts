// What every browser test file needs: the production worker on a loopback port, the
// management API, the app customers sign in to, and one Chromium; set up once per file,
// torn down after it.
import type * as oidc from "openid-client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { discover, Management, startWorker, type ClientMetadata, type Worker } from "../../node/oidc/support.js";
import { startApp, type AppServer } from "./app.js";
import { launchChromium } from "./chromium.js";

export interface World {
  worker: Worker;
  admin: Management;
  app: AppServer;
  chromium: Browser;
}

/** Registers the file's beforeAll/afterAll; the world is filled once beforeAll ran. */
export function useWorld(): World {
  const world = {} as World;
  beforeAll(async () => {
    const [worker, chromium, app] = await Promise.all([startWorker(), launchChromium(), startApp()]);
    Object.assign(world, { worker, chromium, app });
    world.admin = await Management.connect(worker.baseUrl);
  });
  afterAll(async () => {
    await world.chromium?.close();
    await world.app?.close();
    await world.worker?.close();
  });
  return world;
}

/** Registers the app as a client of the tenant (first-party unless told) and discovers its issuer. */
export async function registerApp(
  world: World,
  slug: string,
  metadata: ClientMetadata = {},
): Promise<oidc.Configuration> {
  const client = await world.admin.createClient(slug, {
    redirect_uris: [world.app.redirectUri],
    post_logout_redirect_uris: [world.app.postLogoutUri],
    ...metadata,
  });
  return discover(`${world.worker.baseUrl}/t/${slug}`, client);
}
