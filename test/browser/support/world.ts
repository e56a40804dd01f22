// What every browser test file needs: the production worker on a loopback port, the
// management API, and one Chromium; set up once per file, torn down after it.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { Management, startWorker, type Worker } from "../../node/oidc/support.js";
import { launchChromium } from "./chromium.js";

export interface World {
  worker: Worker;
  admin: Management;
  chromium: Browser;
}

/** Registers the file's beforeAll/afterAll; the world is filled once beforeAll ran. */
export function useWorld(): World {
  const world = {} as World;
  beforeAll(async () => {
    const [worker, chromium] = await Promise.all([startWorker(), launchChromium()]);
    world.worker = worker;
    world.chromium = chromium;
    world.admin = await Management.connect(worker.baseUrl);
  });
  afterAll(async () => {
    await world.chromium?.close();
    await world.worker?.close();
  });
  return world;
}
