// Server processes of the benchmark and their CPU time. Every server runs in a process of
// its own, forked fresh for each benchmark run: workerd targets through workerd-host.mjs
// (a Node host that starts Miniflare; workerd is its child), oidc-provider through
// oidc-provider-server.mjs. CPU time is read from /proc/<pid>/stat (utime + stime, all
// threads) of the process that serves requests: workerd, or the oidc-provider Node process.
import { execFileSync, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

/** @typedef {import("./types.js").ServerHandle} ServerHandle */
/** @typedef {import("./types.js").ServerMessage} ServerMessage */

const HERE = import.meta.dirname;
let clockTicks = 100;
try {
  clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // 100 is the Linux default
}

/**
 * CPU seconds (user + system, every thread) a process has used so far.
 * @param {number} pid
 */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command: state(0) ppid(1) ... utime(11) stime(12).
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** CPU seconds the whole machine has been busy so far (all cores; /proc/stat, idle and iowait excluded). */
export function machineBusySeconds() {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const [, ...fields] = line.trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
  return (user + nice + system + irq + softirq + steal) / clockTicks;
}

/**
 * A loopback port nothing listens on right now.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Forks a server script and waits for its { ready, url, ... } message.
 * @param {string} script
 * @param {object} spec
 * @param {(message: Extract<ServerMessage, { ready: true }>) => number} pickServingPid
 * @param {string} label
 * @returns {Promise<ServerHandle>}
 */
function startProcess(script, spec, pickServingPid, label) {
  const child = fork(resolve(HERE, script), [JSON.stringify(spec)], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start in 60 s\n${stderr}`)), 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}) before it was ready\n${stderr}`));
    });
    child.once("message", (raw) => {
      clearTimeout(timer);
      const message = /** @type {ServerMessage} */ (raw);
      if ("error" in message) return reject(new Error(`${label}: ${message.error}`));
      child.removeAllListeners("exit");
      try {
        resolveStart({
          url: message.url,
          servingPid: pickServingPid(message),
          hostPid: /** @type {number} */ (child.pid),
          stderr: () => stderr,
          close: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
              child.once("exit", () => {
                clearTimeout(kill);
                done();
              });
              child.send("close");
            }),
        });
      } catch (error) {
        child.kill("SIGKILL");
        reject(error);
      }
    });
  });
}

/** @param {import("./types.js").WorkerdSpec} spec */
export function startWorkerd(spec) {
  return startProcess(
    "workerd-host.mjs",
    spec,
    (message) => {
      if (!message.workerdPid) throw new Error(`${spec.target}: could not find the workerd process`);
      return message.workerdPid;
    },
    `workerd (${spec.target})`,
  );
}

/** @param {import("./types.js").OidcProviderSpec} spec */
export function startOidcProvider(spec) {
  return startProcess("oidc-provider-server.mjs", spec, (message) => message.pid ?? 0, "oidc-provider");
}
