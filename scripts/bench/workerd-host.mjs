// One workerd server for the benchmark, in a process of its own (forked by run.mjs with an
// IPC channel): Miniflare configured from wrangler.toml, serving the worker on a direct
// socket (`unsafeDirectSockets`), so requests reach workerd without passing through
// Miniflare's entry worker or Node (wrangler dev's proxy makes a hello-world worker 8-13x
// slower on this machine). Persistence goes to a temp dir given by the parent.
//
// Message in (argv[2], JSON): { target: "latchkey" | "openauth" | "ceiling" | ..., port,
//   persistDir, vars, scriptPath, compatibilityDate?, compatibilityFlags?, kv?, d1Setup?,
//   inspectorPort? (workerd's V8 inspector, for profile.mjs) }
// (Latchkey's bindings come from wrangler.toml, its D1 schema from migrations/; other
// targets get a KV namespace named `kv` and a D1 `DB` created by the `d1Setup` statements.)
// Messages out: { ready: true, url, workerdPid } or { error }; on "close", disposes and exits.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

// No internet here: skip miniflare's download of a sample Request.cf object.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";

/** @typedef {import("miniflare").V4WorkerOptions} WorkerOptions */
/** @typedef {import("miniflare").V4ModuleDefinition} ModuleDefinition */

const spec = /** @type {import("./types.js").WorkerdSpec} */ (JSON.parse(process.argv[2] ?? "{}"));
/** @param {import("./types.js").ServerMessage} message */
const tell = (message) => process.send?.(message);
const ROOT = resolve(import.meta.dirname, "../..");

/**
 * The parts of wrangler.toml read here.
 * @typedef {{
 *   compatibility_date: string,
 *   compatibility_flags: string[],
 *   vars: Record<string, string>,
 *   migrations: { new_sqlite_classes?: string[] }[],
 *   d1_databases: { binding: string, database_id?: string, migrations_dir?: string }[],
 *   kv_namespaces: { binding: string, id?: string }[],
 *   durable_objects: { bindings: { name: string, class_name: string }[] },
 * }} WranglerConfig
 */

/** Bindings, compatibility and Durable Object classes exactly as wrangler.toml declares them. */
async function latchkeyOptions() {
  const { unstable_readConfig } = await import("wrangler");
  /** @type {WranglerConfig} */
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true });
  const sqliteClasses = new Set(config.migrations.flatMap((m) => m.new_sqlite_classes ?? []));
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    // Plain vars from wrangler.toml, then the parent's (PUBLIC_BASE_URL, SERVER_TIMING, test secrets).
    bindings: { ...config.vars, ...spec.vars },
    d1Databases: Object.fromEntries(config.d1_databases.map((d) => [d.binding, d.database_id ?? d.binding])),
    kvNamespaces: Object.fromEntries(config.kv_namespaces.map((k) => [k.binding, k.id ?? k.binding])),
    durableObjects: Object.fromEntries(
      config.durable_objects.bindings.map((b) => [
        b.name,
        { className: b.class_name, useSQLite: sqliteClasses.has(b.class_name) },
      ]),
    ),
    d1MigrationsDir: join(ROOT, config.d1_databases[0]?.migrations_dir ?? "migrations"),
  };
}

/** @param {Miniflare} mf @param {string} dir */
async function applyMigrations(mf, dir) {
  const { unstable_splitSqlQuery } = await import("wrangler");
  const db = await mf.getD1Database("DB");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8")).filter((s) => s.trim());
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

/** Module types by file extension, as wrangler's rules emit them (.txt: the common-password list). */
const MODULE_TYPES = /** @type {const} */ ({
  ".js": "ESModule",
  ".mjs": "ESModule",
  ".wasm": "CompiledWasm",
  ".txt": "Text",
});

/**
 * The bundle's modules: its entry first, then the other modules wrangler wrote beside it.
 * @param {string} scriptPath
 * @returns {ModuleDefinition[]}
 */
function bundleModules(scriptPath) {
  const dir = dirname(scriptPath);
  const typeOf = (/** @type {string} */ path) =>
    Object.entries(MODULE_TYPES).find(([extension]) => path.endsWith(extension))?.[1];
  const others = readdirSync(dir)
    .map((f) => join(dir, f))
    .filter((f) => f !== scriptPath && typeOf(f) !== undefined);
  return [scriptPath, ...others].map((path) => ({ type: typeOf(path) ?? "ESModule", path }));
}

/** The workerd process Miniflare spawned: a child of this process named workerd. */
function findWorkerdPid() {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return null;
}

async function main() {
  /** @type {Partial<WorkerOptions>} */
  let worker;
  /** @type {string | null} */
  let migrationsDir = null;
  if (spec.target === "latchkey") {
    const { d1MigrationsDir, ...options } = await latchkeyOptions();
    migrationsDir = d1MigrationsDir;
    worker = options;
  } else {
    worker = {
      compatibilityDate: spec.compatibilityDate,
      compatibilityFlags: spec.compatibilityFlags ?? [],
      bindings: spec.vars ?? {},
      kvNamespaces: spec.kv ? { [spec.kv]: "bench-kv" } : {},
      d1Databases: spec.d1Setup ? { DB: "bench-db" } : {},
    };
  }
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      resourcePersistencePath: spec.persistDir,
      logRequests: false,
      ...(spec.inspectorPort ? { inspectorPort: spec.inspectorPort } : {}),
      verbose: false,
      cf: false,
      workers: [
        {
          ...worker,
          name: spec.target,
          rootPath: dirname(spec.scriptPath),
          modules: bundleModules(spec.scriptPath),
          unsafeDirectSockets: [{ host: "127.0.0.1", port: spec.port }],
        },
      ],
    }),
  );
  await mf.ready;
  if (migrationsDir) await applyMigrations(mf, migrationsDir);
  if (spec.d1Setup) {
    const db = await mf.getD1Database("DB");
    await db.batch(spec.d1Setup.map((/** @type {string} */ statement) => db.prepare(statement)));
  }
  const url = await mf.unsafeGetDirectURL(spec.target);
  tell({ ready: true, url: url.origin, workerdPid: findWorkerdPid() });
  process.on("message", async (message) => {
    if (message === "close") {
      await mf.dispose();
      process.exit(0);
    }
  });
  process.on("disconnect", async () => {
    await mf.dispose().catch(() => {});
    process.exit(0);
  });
}

main().catch((error) => {
  tell({ error: String(error?.stack ?? error) });
  process.exit(1);
});
