// Load generation (autocannon, programmatic) and the measurements of one load: requests
// per second, latency percentiles, and the serving process's CPU time per request.
import autocannon from "autocannon";
/** @typedef {import("./types.js").LoadResult} LoadResult */
import { cpuSeconds, machineBusySeconds } from "./servers.mjs";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

/**
 * Runs one load against one server.
 * - `body` (string) for a fixed request, or `bodies` (string[]) for one fresh body per
 *   request (single-use codes, rotating refresh tokens): the load then stops after
 *   bodies.length - connections requests, since autocannon builds one request ahead per connection.
 * - `onBody(status, body)` sees every response body (to collect rotated refresh tokens).
 * @param {{ url: string, path: string, method?: string, body?: string, bodies?: string[],
 *   duration?: number, connections: number, servingPid: number,
 *   onBody?: (status: number, body: string) => void }} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(options) {
  const { url, path, method = options.body || options.bodies ? "POST" : "GET", connections } = options;
  /** @type {import("autocannon").Request} */
  const request = { method, path, headers: options.body || options.bodies ? FORM : {} };
  let amount;
  if (options.bodies) {
    const pool = options.bodies;
    let next = 0;
    request.setupRequest = (req) => ({ ...req, body: pool[next++ % pool.length] ?? "" });
    amount = Math.max(1, pool.length - connections);
  } else if (options.body) {
    request.body = options.body;
  }
  const { onBody } = options;
  if (onBody) request.onResponse = (status, body) => onBody(status, body);

  const cpuBefore = cpuSeconds(options.servingPid);
  const busyBefore = machineBusySeconds();
  const driverBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    ...(amount !== undefined ? { amount } : { duration: options.duration ?? 5 }),
    requests: [request],
    timeout: 30,
  });
  // autocannon's own percentiles are whole milliseconds; keep the exact times instead.
  /** @type {number[]} */
  const latencies = [];
  // autocannon notices the end of a fixed-amount load only at its next 1-second tick, and
  // rounds its duration up to it: time the load from its start to its last response instead.
  let lastResponse = started;
  instance.on("response", (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    lastResponse = process.hrtime.bigint();
  });
  const result = await instance;
  const elapsed = Number(lastResponse - started) / 1e9;
  const cpu = cpuSeconds(options.servingPid) - cpuBefore;
  const driverUsage = process.cpuUsage(driverBefore);
  const driver = (driverUsage.user + driverUsage.system) / 1e6;
  // What the rest of the machine used meanwhile (other processes): noise, reported.
  const background = Math.max(0, machineBusySeconds() - busyBefore - cpu - driver);
  const completed = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  const seconds = elapsed;
  return {
    requests: completed,
    ok: result["2xx"],
    failed: completed - result["2xx"] + result.errors + result.timeouts,
    rps: completed / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuPerRequestMs: completed ? (cpu * 1000) / completed : NaN,
    cpuUtilization: cpu / elapsed,
    loadGeneratorUtilization: driver / elapsed,
    backgroundUtilization: background / elapsed,
    seconds,
  };
}

/** @param {number[]} values @param {number} q */
function percentile(values, q) {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * Calls `task(i)` `count` times with at most `concurrency` in flight; returns the results in order.
 * @template T
 * @param {number} count @param {number} concurrency @param {(i: number) => Promise<T>} task
 * @returns {Promise<T[]>}
 */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
