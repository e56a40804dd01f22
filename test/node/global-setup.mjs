// Before the Node tests: make sure the production bundle they run is current. `npm test`
// has just built it; a direct `vitest run` after editing src/ rebuilds it here, once,
// before any test file starts a worker.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BUILD_DIR, buildWorker } from "../../scripts/build-check.mjs";

/** @param {string} path @returns {number} the newest modification time below `path` */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** The bundle `npm test` built, rebuilt when a source is newer (a direct `vitest run`). */
export default function ensureFreshBuild() {
  const bundle = `${BUILD_DIR}/index.js`;
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const sources = Math.max(newest("src"), newest("wrangler.toml"), newest("package-lock.json"));
  if (sources > built) buildWorker({ quiet: true });
}
