// `npm run bench [-- --quick]`: Latchkey against oidc-provider and OpenAuth on this machine.
//
// Every system is started fresh in processes of its own: Latchkey's production bundle and
// OpenAuth's issuer in workerd (Miniflare with a direct socket, no wrangler dev proxy),
// oidc-provider in Node. After a warm-up, the same operations are loaded with autocannon,
// system after system, in rounds (the order rotating each round): client_credentials,
// discovery, JWKS, authorization code exchange (codes minted beforehand through single
// sign-on, one per request) and refresh (tokens from the exchange, one family per request).
// Printed per system and operation: requests/s, p50 latency, server CPU per request (from
// /proc/<pid>/stat of the serving process), medians over the rounds; then the ratios, the
// targets, and Latchkey's storage round trips per request read from Server-Timing on a
// separate instance (SERVER_TIMING=on there only). docs/performance.md explains the method.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BUILD_DIR } from "../build-check.mjs";
import { runLoad } from "./load.mjs";
import { machineBusySeconds } from "./servers.mjs";
import {
  bundleWorker,
  ensureFreshBundle,
  latchkeyCompatibilityDate,
  removeTempDirs,
  startCeiling,
  startLatchkey,
  startOidcProviderSystem,
  startOpenAuth,
} from "./systems.mjs";

/** @typedef {import("./types.js").System} System */
/** @typedef {import("./types.js").UserFlowSystem} UserFlowSystem */
/** @typedef {import("./types.js").OperationKey} OperationKey */
/** @typedef {import("./types.js").LoadResult} LoadResult */
/** @typedef {import("./types.js").Usage} Usage */
/**
 * Medians over the rounds of one system and operation.
 * @typedef {{ rps: number, p50: number, cpuPerRequestMs: number, cpuUtilization: number,
 *   loadGeneratorUtilization: number, backgroundUtilization: number, requests: number, failed: number,
 *   rounds: number[] }} Summary
 * @typedef {{ summary: Record<OperationKey, Record<string, Summary>>,
 *   runs: Record<OperationKey, Record<string, LoadResult[]>>, labels: Record<string, string>,
 *   mintRates: Record<string, number> }} Report
 */

const ROOT = resolve(import.meta.dirname, "../..");
process.chdir(ROOT);
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    connections: { type: "string" },
    codes: { type: "string" },
    users: { type: "string" },
    "no-build": { type: "boolean", default: false },
    "no-ceiling": { type: "boolean", default: false },
    "openauth-storage": { type: "string", default: "kv" },
    "max-quiet-wait": { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --quick                 one short round (about a minute and a half)
  --rounds N              rounds of measurements (default 3, quick 1)
  --duration S            seconds per client_credentials load (default 3, quick 2); discovery and JWKS get 3/4
  --connections N         autocannon connections (default 16)
  --codes N               codes minted per system and round for the code and refresh loads
                          (default: enough for about 3 s of load at the rate seen in the warm-up, quick 1.5 s)
  --users N               users signed in on each system (default 4)
  --openauth-storage kv|memory   OpenAuth's storage (default kv)
  --no-ceiling            skip the minimal Hono workers (references for client_credentials)
  --max-quiet-wait S      at most S seconds in all spent waiting for other processes to go quiet (default 30, quick 15)
  --no-build              run the existing .build/worker bundle even when src/ is newer (by default it is
                          rebuilt with scripts/build-check.mjs when src/, wrangler.toml or the lockfile changed)
  --json FILE             also write every measurement as JSON`);
  process.exit(0);
}

const quick = args.quick;
const settings = {
  rounds: Number(args.rounds ?? (quick ? 1 : 3)),
  /** Seconds per client_credentials load; discovery and JWKS get 3/4 of it (they are fast and steady). */
  duration: Number(args.duration ?? (quick ? 2 : 3)),
  warmupDuration: 1,
  warmupCodes: 200,
  connections: Number(args.connections ?? 16),
  /** Fixed codes per code/refresh load, or null: enough for `codeSeconds` at the warm-up's rate. */
  codes: args.codes ? Number(args.codes) : null,
  codeSeconds: quick ? 1.5 : 3,
  users: Number(args.users ?? 4),
  openauthStorage: /** @type {"kv" | "memory"} */ (args["openauth-storage"] === "memory" ? "memory" : "kv"),
  ceiling: !args["no-ceiling"],
  /** Longest total wait for other processes to quieten down before loads (a shared machine). */
  maxQuietWait: Number(args["max-quiet-wait"] ?? (quick ? 15 : 30)),
};

/** @type {{ key: OperationKey, label: string }[]} */
const OPS = [
  { key: "cc", label: "token: client_credentials" },
  { key: "discovery", label: "discovery" },
  { key: "jwks", label: "JWKS" },
  { key: "code", label: "token: authorization_code" },
  { key: "refresh", label: "token: refresh_token" },
];

/** @param {string} name */
const version = (name) => {
  try {
    return String(JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version);
  } catch {
    return "?";
  }
};
/** @param {number[]} values */
const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (/** @type {number} */ i) => sorted[i] ?? NaN;
  if (!sorted.length) return NaN;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
};
/** @param {number} n */
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
/** @param {string} message */
const log = (message) => console.log(`[${elapsed()}] ${message}`);

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "?",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    workerd: version("workerd"),
    miniflare: version("miniflare"),
    oidcProvider: version("oidc-provider"),
    openauth: version("@openauthjs/openauth"),
    autocannon: version("autocannon"),
  };
}

/**
 * Latchkey's per-request storage use, from Server-Timing on an instance of its own.
 * @param {string} scriptPath
 */
async function sampleServerTiming(scriptPath) {
  const system = await startLatchkey({ scriptPath, users: 1, serverTiming: true });
  try {
    /** @param {Response} response @returns {Usage} */
    const usage = (response) => {
      const header = response.headers.get("Server-Timing") ?? "";
      const number = (/** @type {RegExp} */ pattern) => Number(pattern.exec(header)?.[1] ?? NaN);
      return {
        status: response.status,
        d1RoundTrips: number(/round_trips=(\d+)/),
        d1Statements: number(/statements=(\d+)/),
        kvReads: number(/reads=(\d+)/),
        doCalls: number(/calls=(\d+)/),
      };
    };
    /** @param {string} path @param {string} body */
    const post = (path, body) =>
      fetch(system.url + path, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
    /**
     * Sends a request twice and keeps the second's counts (warm caches).
     * @param {(i: number) => Promise<Response>} send
     */
    const warm = async (send) => {
      await (await send(0)).arrayBuffer();
      const response = await send(1);
      const result = usage(response);
      await response.arrayBuffer();
      return result;
    };
    const cc = await warm(() => post(system.ops.cc.path, system.ops.cc.body ?? ""));
    const discovery = await warm(() => fetch(system.url + system.ops.discovery.path));
    const jwks = await warm(() => fetch(system.url + system.ops.jwks.path));
    const authorize = await warm((i) => system.authorize(i));
    const codes = await system.mintCodes(2);
    /** @type {string[]} */
    const refreshTokens = [];
    const code = await warm(async (i) => {
      const response = await post(system.ops.code.path, system.exchangeBody(codes[i] ?? ""));
      refreshTokens.push((await response.clone().json()).refresh_token);
      return response;
    });
    const refresh = await warm((i) => post(system.ops.refresh.path, system.refreshBody(refreshTokens[i] ?? "")));
    return { cc, discovery, jwks, authorize, code, refresh };
  } finally {
    await system.server.close();
  }
}

async function main() {
  const info = machine();
  console.log(
    `Latchkey benchmark (${quick ? "quick" : "full"}): ${info.cores} × ${info.cpu}, ${info.memoryGiB} GiB, Node ${info.node}, ` +
      `workerd ${info.workerd}, oidc-provider ${info.oidcProvider}, @openauthjs/openauth ${info.openauth}, autocannon ${info.autocannon}`,
  );
  console.log(
    `settings: ${settings.rounds} round(s), ${settings.duration} s per fixed load, ${settings.connections} connections, ` +
      `${settings.codes ?? `~${settings.codeSeconds} s of`} codes per code/refresh load, ${settings.users} users, ` +
      `OpenAuth storage ${settings.openauthStorage}`,
  );

  /** @type {System[]} */
  const systems = [];
  const closeAll = async () => {
    await Promise.all(systems.map((s) => s.server.close().catch(() => {})));
    removeTempDirs();
  };
  process.once("SIGINT", () => closeAll().then(() => process.exit(130)));
  try {
    if (!args["no-build"] && ensureFreshBundle()) log("rebuilt the production bundle (scripts/build-check.mjs)");
    const latchkeyScript = resolve(BUILD_DIR, "index.js");
    const compatibilityDate = await latchkeyCompatibilityDate();
    const [openauthScript, ceilingScript] = await Promise.all([bundleWorker("openauth"), bundleWorker("ceiling")]);

    log("sampling Latchkey's Server-Timing on a separate instance (SERVER_TIMING=on)");
    const serverTiming = await sampleServerTiming(latchkeyScript);

    log("starting fresh servers");
    systems.push(await startLatchkey({ scriptPath: latchkeyScript, users: settings.users }));
    systems.push(await startOidcProviderSystem({ users: settings.users }));
    systems.push(
      await startOpenAuth({
        scriptPath: openauthScript,
        compatibilityDate,
        storage: settings.openauthStorage,
        users: settings.users,
      }),
    );
    if (settings.ceiling)
      for (const mode of /** @type {const} */ (["memory", "d1-read", "d1"]))
        systems.push(await startCeiling({ scriptPath: ceilingScript, compatibilityDate, mode }));
    const report = await measure(systems);
    printReport(report, serverTiming, info);
    if (args.json)
      writeFileSync(args.json, JSON.stringify({ machine: info, settings, serverTiming, ...report }, null, 2));
  } finally {
    await closeAll();
  }
  log("done");
}

let quietWaitLeft = settings.maxQuietWait;
/**
 * On a shared machine, waits (within the run's budget) until other processes use less than
 * a quarter of a core, so that loads do not start in the middle of someone else's work.
 */
async function waitForQuiet() {
  let waited = 0;
  while (quietWaitLeft > 0) {
    const before = machineBusySeconds();
    const self = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const own = process.cpuUsage(self);
    const others = (machineBusySeconds() - before - (own.user + own.system) / 1e6) / 0.5;
    if (others < 0.25) break;
    waited += 0.5;
    quietWaitLeft -= 0.5;
  }
  if (waited >= 2) log(`  (waited ${waited.toFixed(1)} s for other processes to quieten down)`);
}

/** @param {System} system @returns {system is UserFlowSystem} */
const hasUserFlows = (system) => "mintCodes" in system;

/**
 * The warm-up, then every round; medians by operation and system.
 * @param {System[]} systems
 * @returns {Promise<Report>}
 */
async function measure(systems) {
  /** @type {Record<OperationKey, Record<string, LoadResult[]>>} */
  const runs = { cc: {}, discovery: {}, jwks: {}, code: {}, refresh: {} };
  /** @type {Record<string, number[]>} */
  const minting = {};
  /** @type {Map<string, number>} */
  const warmupCodeRate = new Map();

  /**
   * @param {System} system
   * @param {OperationKey} op
   * @param {{ body?: string, bodies?: string[], duration?: number, onBody?: (status: number, body: string) => void }} options
   * @param {boolean} record
   */
  const load = async (system, op, options, record) => {
    if (record) await waitForQuiet();
    const result = await runLoad({
      url: system.url,
      path: system.ops[op]?.path ?? "/",
      connections: settings.connections,
      servingPid: system.server.servingPid,
      ...options,
    });
    if (result.failed > 0)
      console.warn(`  ! ${system.label} ${op}: ${result.failed} of ${result.requests} requests failed or were not 2xx`);
    if (record) {
      (runs[op][system.key] ??= []).push(result);
      log(
        `  ${op.padEnd(9)} ${system.label.padEnd(38)} ${fmt(result.rps).padStart(6)} req/s  p50 ${fmt(result.p50, 2).padStart(6)} ms  ` +
          `CPU ${fmt(result.cpuPerRequestMs, 3)} ms/req (${fmt(result.cpuUtilization * 100)}% of a core; ` +
          `others ${fmt(result.backgroundUtilization * 100)}%)`,
      );
    }
    return result;
  };

  /** @param {number} round @param {boolean} record */
  const pass = async (round, record) => {
    /** @template T @param {T[]} list */
    const rotate = (list) => list.map((_, i) => /** @type {T} */ (list[(i + round) % list.length]));
    const duration = record ? settings.duration : settings.warmupDuration;
    /** @param {string} key */
    const codeCount = (key) =>
      record
        ? (settings.codes ??
          Math.round(Math.min(5000, Math.max(300, (warmupCodeRate.get(key) ?? 100) * settings.codeSeconds))))
        : settings.warmupCodes;
    for (const op of /** @type {const} */ (["cc", "discovery", "jwks"]))
      for (const system of rotate(systems.filter((s) => s.ops[op])))
        await load(
          system,
          op,
          { body: system.ops[op]?.body, duration: op === "cc" ? duration : (duration * 3) / 4 },
          record,
        );
    const userFlows = systems.filter(hasUserFlows);
    /** @type {Map<string, string[]>} */
    const refreshTokens = new Map();
    for (const system of rotate(userFlows)) {
      // Codes live 60 s on every system: mint, then exchange at once.
      const mintStart = Date.now();
      const codes = await system.mintCodes(codeCount(system.key));
      const mintSeconds = (Date.now() - mintStart) / 1000;
      if (record) (minting[system.key] ??= []).push(codes.length / mintSeconds);
      /** @type {string[]} */
      const tokens = [];
      const exchanged = await load(
        system,
        "code",
        {
          bodies: codes.map((code) => system.exchangeBody(code)),
          onBody: (status, body) => {
            if (status === 200) tokens.push(JSON.parse(body).refresh_token);
          },
        },
        record,
      );
      refreshTokens.set(system.key, tokens);
      if (!record) warmupCodeRate.set(system.key, exchanged.rps);
    }
    for (const system of rotate(userFlows)) {
      const tokens = refreshTokens.get(system.key) ?? [];
      await load(system, "refresh", { bodies: tokens.map((t) => system.refreshBody(t)) }, record);
    }
  };

  log("warm-up (results discarded)");
  await pass(0, false);
  for (let round = 0; round < settings.rounds; round++) {
    log(`round ${round + 1} of ${settings.rounds}`);
    await pass(round, true);
  }

  /** @type {Record<OperationKey, Record<string, Summary>>} */
  const summary = { cc: {}, discovery: {}, jwks: {}, code: {}, refresh: {} };
  for (const op of OPS) {
    for (const [system, results] of Object.entries(runs[op.key])) {
      summary[op.key][system] = {
        rps: median(results.map((r) => r.rps)),
        p50: median(results.map((r) => r.p50)),
        cpuPerRequestMs: median(results.map((r) => r.cpuPerRequestMs)),
        cpuUtilization: median(results.map((r) => r.cpuUtilization)),
        loadGeneratorUtilization: median(results.map((r) => r.loadGeneratorUtilization)),
        backgroundUtilization: median(results.map((r) => r.backgroundUtilization)),
        requests: results.reduce((n, r) => n + r.requests, 0),
        failed: results.reduce((n, r) => n + r.failed, 0),
        rounds: results.map((r) => Math.round(r.rps)),
      };
    }
  }
  const labels = Object.fromEntries(systems.map((s) => [s.key, s.label]));
  const mintRates = Object.fromEntries(Object.entries(minting).map(([k, v]) => [k, median(v)]));
  return { summary, runs, labels, mintRates };
}

/**
 * @param {Report} report
 * @param {Record<"cc" | "discovery" | "jwks" | "authorize" | "code" | "refresh", Usage>} serverTiming
 * @param {ReturnType<typeof machine>} info
 */
function printReport({ summary, labels, mintRates }, serverTiming, info) {
  console.log(`\n## Results (median of ${settings.rounds} round(s); p99 is not compared: too noisy locally)\n`);
  console.log(
    "| Operation | System | req/s | p50 ms | server CPU ms/req | server CPU use | load generator | other processes | failed | req/s by round |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  const pct = (/** @type {number} */ x) => `${fmt(x * 100)}%`;
  for (const op of OPS) {
    for (const [system, s] of Object.entries(summary[op.key])) {
      console.log(
        `| ${op.label} | ${labels[system]} | ${fmt(s.rps)} | ${fmt(s.p50, 2)} | ${fmt(s.cpuPerRequestMs, 3)} | ` +
          `${pct(s.cpuUtilization)} | ${pct(s.loadGeneratorUtilization)} | ${pct(s.backgroundUtilization)} | ${s.failed} | ${s.rounds.join(", ")} |`,
      );
    }
  }

  console.log("\n## Ratios (Latchkey ÷ other: above 1 is better for Latchkey in req/s, below 1 in CPU/req)\n");
  console.log(
    "| Operation | req/s vs oidc-provider | req/s vs OpenAuth | CPU/req vs oidc-provider | CPU/req vs OpenAuth |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: |");
  /**
   * @param {OperationKey} op @param {string} a @param {string} b
   * @param {"rps" | "cpuPerRequestMs"} field
   */
  const ratio = (op, a, b, field) => {
    const x = summary[op][a]?.[field];
    const y = summary[op][b]?.[field];
    return x && y ? x / y : NaN;
  };
  for (const op of OPS) {
    console.log(
      `| ${op.label} | ${fmt(ratio(op.key, "latchkey", "oidc-provider", "rps"), 2)}x | ${fmt(ratio(op.key, "latchkey", "openauth", "rps"), 2)}x | ` +
        `${fmt(ratio(op.key, "latchkey", "oidc-provider", "cpuPerRequestMs"), 2)}x | ${fmt(ratio(op.key, "latchkey", "openauth", "cpuPerRequestMs"), 2)}x |`,
    );
  }
  const references = Object.keys(summary.cc).filter((k) => k.startsWith("ceiling"));
  if (references.length) {
    console.log("\nclient_credentials references (minimal Hono workers):\n");
    console.log("| Worker | req/s vs oidc-provider | req/s vs OpenAuth | Latchkey req/s ÷ it | CPU ms/req |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const key of references)
      console.log(
        `| ${labels[key]} | ${fmt(ratio("cc", key, "oidc-provider", "rps"), 2)}x | ${fmt(ratio("cc", key, "openauth", "rps"), 2)}x | ` +
          `${fmt(ratio("cc", "latchkey", key, "rps"), 2)}x | ${fmt(summary.cc[key]?.cpuPerRequestMs ?? NaN, 3)} |`,
      );
  }

  console.log("\n## Targets\n");
  const verdict = (/** @type {boolean} */ ok) => (ok ? "met" : "MISSED");
  const ccOidc = ratio("cc", "latchkey", "oidc-provider", "rps");
  const ccOpenAuth = ratio("cc", "latchkey", "openauth", "rps");
  const lines = [
    `client_credentials ≥ 1.6x oidc-provider req/s: ${fmt(ccOidc, 2)}x, ${verdict(ccOidc >= 1.6)}`,
    `client_credentials ≥ 8x OpenAuth req/s: ${fmt(ccOpenAuth, 2)}x, ${verdict(ccOpenAuth >= 8)}`,
    `code exchange costs one Durable Object call: ${serverTiming.code.doCalls}, ${verdict(serverTiming.code.doCalls === 1)}`,
    `refresh costs one Durable Object call: ${serverTiming.refresh.doCalls}, ${verdict(serverTiming.refresh.doCalls === 1)}`,
    `discovery costs no D1 query once cached: ${serverTiming.discovery.d1RoundTrips}, ${verdict(serverTiming.discovery.d1RoundTrips === 0)}`,
    `JWKS costs no D1 query once cached: ${serverTiming.jwks.d1RoundTrips}, ${verdict(serverTiming.jwks.d1RoundTrips === 0)}`,
  ];
  for (const line of lines) console.log(`- ${line}`);

  console.log("\n## Latchkey storage use per request (Server-Timing, warm, separate instance)\n");
  console.log("| Request | HTTP | D1 round trips | D1 statements | KV reads | Durable Object calls |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  const names = {
    cc: "token: client_credentials",
    discovery: "discovery",
    jwks: "JWKS",
    authorize: "authorize (SSO, issues a code)",
    code: "token: authorization_code",
    refresh: "token: refresh_token",
  };
  for (const [key, name] of Object.entries(names)) {
    const s = serverTiming[/** @type {keyof typeof names} */ (key)];
    console.log(`| ${name} | ${s.status} | ${s.d1RoundTrips} | ${s.d1Statements} | ${s.kvReads} | ${s.doCalls} |`);
  }
  console.log(
    "(Server-Timing counts what the request waits for; the audit record each token request writes after the response (waitUntil) is not in it.)",
  );

  console.log(
    `\ncodes minted per second through SSO (not part of the figures): ` +
      Object.entries(mintRates)
        .map(([k, v]) => `${labels[k]} ${fmt(v)}`)
        .join(", "),
  );
  console.log(`machine: ${info.cores} × ${info.cpu}, ${info.memoryGiB} GiB RAM, Linux ${info.kernel}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
