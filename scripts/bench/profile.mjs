// Where Latchkey's server CPU goes during a load: `node scripts/bench/profile.mjs
// [--op cc|code|refresh|discovery|jwks] [--seconds 5] [--no-build]`.
//
// Starts Latchkey's production bundle in workerd (as run.mjs does) with workerd's V8
// inspector on, samples the CPU of every isolate while autocannon loads one operation,
// and prints (1) the workerd process's CPU per request split into the isolates' JavaScript
// (Latchkey's own isolate, which also runs its Durable Objects, and Miniflare's D1 and KV
// simulators) and the rest (native code: SQLite, HTTP, I/O, garbage collection), and
// (2) the functions with the most self time in Latchkey's isolate, mapped to src/ through
// the bundle's source map. Profiling slows everything down: compare shares, not speeds.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { BUILD_DIR } from "../build-check.mjs";
import { runLoad } from "./load.mjs";
import { cpuSeconds, freePort } from "./servers.mjs";
import { ensureFreshBundle, removeTempDirs, startLatchkey } from "./systems.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
process.chdir(ROOT);
const { values: args } = parseArgs({
  options: {
    op: { type: "string", default: "cc" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "16" },
    top: { type: "string", default: "25" },
    "no-build": { type: "boolean", default: false },
  },
});
const OPS = /** @type {const} */ (["cc", "code", "refresh", "discovery", "jwks"]);
const op = /** @type {import("./types.js").OperationKey} */ (args.op);
if (!OPS.includes(op)) throw new Error(`--op must be one of ${OPS.join(", ")}`);
const SAMPLING_US = 200;
const seconds = Number(args.seconds);
const connections = Number(args.connections);

/**
 * @typedef {{ functionName: string, url: string, lineNumber: number, columnNumber: number }} CallFrame
 * @typedef {{ nodes: { id: number, callFrame: CallFrame }[], samples: number[], timeDeltas?: number[],
 *   startTime: number, endTime: number }} CpuProfile
 */

/**
 * A Chrome DevTools Protocol session over workerd's inspector WebSocket.
 * @param {string} url
 */
async function inspect(url) {
  const socket = new WebSocket(url);
  await new Promise((resolveOpen, reject) => {
    socket.addEventListener("open", resolveOpen, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let id = 0;
  /** @type {Map<number, (message: any) => void>} */
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    const resolveCall = pending.get(message.id);
    if (resolveCall) {
      resolveCall(message);
      pending.delete(message.id);
    }
  });
  return {
    /**
     * @param {string} method
     * @param {object} [params]
     * @returns {Promise<any>}
     */
    send(method, params = {}) {
      const messageId = ++id;
      socket.send(JSON.stringify({ id: messageId, method, params }));
      return new Promise((resolveCall) => pending.set(messageId, resolveCall));
    },
    close: () => socket.close(),
  };
}

/**
 * Self time by function, in ms, from a V8 CPU profile. A sample stands for the time until
 * the next one, capped at twice the sampling interval (a longer gap is time the sampler
 * did not run, not time spent in that function).
 */
function selfTimes(/** @type {CpuProfile} */ profile, /** @type {number} */ intervalUs) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = (profile.endTime - profile.startTime) / 1000;
  /** @type {Map<string, { ms: number, frame: CallFrame }>} */
  const functions = new Map();
  let idle = 0;
  let busy = 0;
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((nodeId, i) => {
    const frame = byNode.get(nodeId)?.callFrame;
    if (!frame) return;
    const ms = Math.min(deltas[i + 1] ?? intervalUs, 2 * intervalUs) / 1000;
    // "(idle)": nothing to do; "(program)": this isolate not running JavaScript (with
    // several isolates on one thread, that includes time spent in the others).
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") {
      idle += ms;
      return;
    }
    busy += ms;
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
    const entry = functions.get(key) ?? { ms: 0, frame };
    entry.ms += ms;
    functions.set(key, entry);
  });
  return { total, idle, busy, functions: [...functions.values()].sort((a, b) => b.ms - a.ms) };
}

async function main() {
  if (!args["no-build"]) ensureFreshBundle();
  const scriptPath = resolve(BUILD_DIR, "index.js");
  const sourceMap = new SourceMap(JSON.parse(readFileSync(`${scriptPath}.map`, "utf8")));
  const inspectorPort = await freePort();
  const system = await startLatchkey({ scriptPath, users: 1, inspectorPort });
  try {
    // Warm caches and JIT, and prepare single-use bodies when the operation needs them.
    /** @param {number} count @returns {Promise<string[] | undefined>} */
    const bodiesFor = async (count) => {
      if (op === "code") return (await system.mintCodes(count)).map((c) => system.exchangeBody(c));
      if (op === "refresh") {
        /** @type {string[]} */
        const tokens = [];
        await runLoad({
          url: system.url,
          path: system.ops.code.path,
          connections,
          servingPid: system.server.servingPid,
          bodies: (await system.mintCodes(count)).map((c) => system.exchangeBody(c)),
          onBody: (status, body) => status === 200 && tokens.push(JSON.parse(body).refresh_token),
        });
        return tokens.map((t) => system.refreshBody(t));
      }
      return undefined;
    };
    /** @param {number} count */
    const loadOptions = async (count) => {
      const bodies = await bodiesFor(count);
      return bodies ? { bodies } : { body: system.ops[op].body, duration: seconds };
    };
    await runLoad({
      url: system.url,
      path: system.ops[op].path,
      connections,
      servingPid: system.server.servingPid,
      ...(await loadOptions(300)),
      ...(op === "code" || op === "refresh" ? {} : { duration: 2 }),
    });
    const measured = await loadOptions(1500);

    const targets = /** @type {{ id: string, webSocketDebuggerUrl: string }[]} */ (
      await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()
    );
    const sessions = [];
    for (const target of targets.filter((t) => /^(core:user:|d1:|kv:)/.test(t.id))) {
      const session = await inspect(target.webSocketDebuggerUrl);
      await session.send("Profiler.enable");
      await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_US });
      await session.send("Profiler.start");
      sessions.push({ id: target.id, session });
    }
    const cpuBefore = cpuSeconds(system.server.servingPid);
    const result = await runLoad({
      url: system.url,
      path: system.ops[op].path,
      connections,
      servingPid: system.server.servingPid,
      ...measured,
    });
    const cpu = cpuSeconds(system.server.servingPid) - cpuBefore;
    const profiles = [];
    for (const { id, session } of sessions) {
      const { result: stopped } = await session.send("Profiler.stop");
      profiles.push({ id, samples: stopped.profile.samples.length, ...selfTimes(stopped.profile, SAMPLING_US) });
      session.close();
    }

    const perRequest = (/** @type {number} */ ms) => (ms / result.requests).toFixed(3);
    console.log(
      `\n${op}: ${result.requests} requests, ${result.rps.toFixed(0)} req/s under the profiler, ` +
        `workerd CPU ${((cpu * 1000) / result.requests).toFixed(3)} ms/req`,
    );
    console.log("\n| Isolate | JavaScript ms/req (sampled) |\n| --- | ---: |");
    let js = 0;
    for (const p of profiles.sort((a, b) => b.busy - a.busy)) {
      js += p.busy;
      console.log(`| ${p.id} | ${perRequest(p.busy)} |`);
      if (process.env.PROFILE_DEBUG)
        console.log(`  (${p.samples} samples over ${p.total.toFixed(0)} ms, idle ${p.idle.toFixed(0)} ms)`);
    }
    console.log(`| rest of workerd (native: SQLite, HTTP, I/O, GC outside samples) | ${perRequest(cpu * 1000 - js)} |`);

    const latchkey = profiles.find((p) => p.id.startsWith("core:user:"));
    if (latchkey) {
      /** @type {Map<string, number>} */
      const byOrigin = new Map();
      const rows = [];
      for (const { ms, frame } of latchkey.functions) {
        let where = frame.url || "(native)";
        if (frame.url.endsWith("index.js") && frame.lineNumber >= 0) {
          const entry = sourceMap.findEntry(frame.lineNumber, frame.columnNumber);
          if (entry && "originalSource" in entry && entry.originalSource)
            where = `${entry.originalSource.replace(/^(\.\.\/)+/, "")}:${(entry.originalLine ?? 0) + 1}`
              // drizzle-orm's own source maps point at ../src: node_modules/src/... is drizzle-orm.
              .replace(/^node_modules\/src\//, "node_modules/drizzle-orm/src/");
        }
        const origin = where.startsWith("src/")
          ? (where.split(":")[0] ?? where)
          : where.startsWith("node_modules/")
            ? where
                .split("/")
                .slice(0, where.split("/")[1]?.startsWith("@") ? 3 : 2)
                .join("/")
            : where;
        byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
        rows.push({ name: frame.functionName || "(anonymous)", where, ms });
      }
      console.log(`\nLatchkey's isolate, self time by file or package (ms/req):`);
      for (const [origin, ms] of [...byOrigin.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15))
        console.log(`  ${perRequest(ms).padStart(7)}  ${origin}`);
      console.log(`\nLatchkey's isolate, top functions by self time (ms/req):`);
      for (const row of rows.slice(0, Number(args.top)))
        console.log(`  ${perRequest(row.ms).padStart(7)}  ${row.name}  ${row.where}`);
    }
  } finally {
    await system.server.close();
    removeTempDirs();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
