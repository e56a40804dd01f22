// `npm run dev`: everything a newcomer needs for a working local Latchkey.
//   1. .dev.vars with fresh random secrets (when missing)
//   2. local D1 migrations applied
//   3. `wrangler dev` on http://localhost:8787 (local D1, KV, Durable Objects)
//   4. the `system` and `demo` tenants seeded, and the URLs and credentials printed
import { spawn, spawnSync } from "node:child_process";
import { ensureDevVars } from "./dev-vars.mjs";
import { seedDemo } from "./seed.mjs";

const PORT = Number(process.env.PORT ?? 8787);
const BASE_URL = `http://localhost:${PORT}`;

const vars = ensureDevVars();
if (vars.created) console.log("Created .dev.vars with fresh secrets.");
else if (vars.added.length) console.log(`Added to .dev.vars: ${vars.added.join(", ")}`);

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const dev = spawn("wrangler", ["dev", "--port", String(PORT), ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

async function waitUntilUp() {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(`${BASE_URL}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Latchkey did not answer on ${BASE_URL} within a minute`);
}

try {
  await waitUntilUp();
  const seeded = await seedDemo({
    baseUrl: BASE_URL,
    adminClientId: vars.values.get("ADMIN_CLIENT_ID") ?? "",
    adminClientSecret: vars.values.get("ADMIN_CLIENT_SECRET") ?? "",
    stateFile: ".wrangler/latchkey-demo.json",
  });
  console.log(`
  Latchkey is running on ${BASE_URL}

  Issuers (OpenID discovery at {issuer}/.well-known/openid-configuration)
    system  ${seeded.systemIssuer}
    demo    ${seeded.demoIssuer}

  Management API   ${BASE_URL}/admin/v1   (reference: ${BASE_URL}/admin/v1/docs)
    operator client_id      ${vars.values.get("ADMIN_CLIENT_ID")}
    operator client_secret  ${vars.values.get("ADMIN_CLIENT_SECRET")}

  Demo app (tenant demo)
    client_id      ${seeded.demoApp.clientId}
    client_secret  ${seeded.demoApp.clientSecret}
  Demo user
    email     ${seeded.demoUser.email}
    password  ${seeded.demoUser.password}

  Try: curl -s -u ${seeded.demoApp.clientId}:${seeded.demoApp.clientSecret} -d grant_type=client_credentials ${seeded.demoIssuer}/token
`);
} catch (error) {
  console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
}
