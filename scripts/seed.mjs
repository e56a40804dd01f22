// Seeds a running Latchkey idempotently through its own management API: the `demo`
// tenant, a demo API, a demo app and a demo user. Secrets the API shows only once are
// kept in a local state file; when that file is gone, they are rotated so that the
// credentials printed always work.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const MANAGEMENT = "urn:latchkey:management";
export const DEMO = {
  tenant: "demo",
  apiIdentifier: "https://api.demo.example",
  clientId: "demo-app",
  userEmail: "demo@example.com",
};

function randomPassword() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `demo-${Buffer.from(bytes).toString("base64url")}`;
}

/**
 * @param {{ baseUrl: string, adminClientId: string, adminClientSecret: string, stateFile: string }} options
 */
export async function seedDemo({ baseUrl, adminClientId, adminClientSecret, stateFile }) {
  const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : {};
  const save = () => {
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  };

  const tokenResponse = await fetch(`${baseUrl}/t/system/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(adminClientId)}:${encodeURIComponent(adminClientSecret)}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource: MANAGEMENT }),
  });
  if (!tokenResponse.ok)
    throw new Error(`operator token refused: ${tokenResponse.status} ${await tokenResponse.text()}`);
  const { access_token: token } = await tokenResponse.json();

  /** @param {string} method @param {string} path @param {unknown} [body] */
  const api = async (method, path, body) => {
    const response = await fetch(`${baseUrl}/admin/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  /** @param {{ status: number, body: any }} result @param {number[]} ok */
  const must = (result, ...ok) => {
    if (!ok.includes(result.status)) throw new Error(`seeding failed: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  };

  const t = `/tenants/${DEMO.tenant}`;
  let tenant = await api("GET", t);
  if (tenant.status === 404)
    tenant = {
      status: 201,
      body: must(await api("POST", "/tenants", { slug: DEMO.tenant, display_name: "Demo" }), 201),
    };

  const resources = must(await api("GET", `${t}/resources?limit=100`), 200).data;
  if (!resources.some((/** @type {{ identifier: string }} */ r) => r.identifier === DEMO.apiIdentifier)) {
    must(
      await api("POST", `${t}/resources`, {
        identifier: DEMO.apiIdentifier,
        name: "Demo API",
        scopes: [
          { value: "read:items", description: "Read items" },
          { value: "write:items", description: "Change items" },
        ],
      }),
      201,
    );
  }
  if (must(tenant, 200, 201).default_resource !== DEMO.apiIdentifier)
    must(await api("PATCH", t, { default_resource: DEMO.apiIdentifier }), 200);

  const existingClient = await api("GET", `${t}/clients/${DEMO.clientId}`);
  if (existingClient.status === 404) {
    const created = must(
      await api("POST", `${t}/clients`, {
        client_id: DEMO.clientId,
        client_name: "Demo app",
        first_party: true,
        grant_types: ["authorization_code", "refresh_token", "client_credentials"],
        redirect_uris: ["http://localhost:3000/callback"],
        post_logout_redirect_uris: ["http://localhost:3000/"],
        scope: "openid profile email offline_access read:items write:items",
        token_endpoint_auth_method: "client_secret_basic",
      }),
      201,
    );
    state.clientSecret = created.client_secret;
    save();
  } else if (!state.clientSecret) {
    // The client exists but its secret was never saved here: replace it.
    const rotated = must(
      await api("POST", `${t}/clients/${DEMO.clientId}/secrets`, { previous_secret_expires_in: 0 }),
      201,
    );
    state.clientSecret = rotated.client_secret;
    save();
  }

  const found = must(await api("GET", `${t}/users?email=${encodeURIComponent(DEMO.userEmail)}`), 200).data;
  if (found.length === 0) {
    state.userPassword = randomPassword();
    must(
      await api("POST", `${t}/users`, {
        email: DEMO.userEmail,
        email_verified: true,
        given_name: "Demo",
        family_name: "User",
        password: state.userPassword,
      }),
      201,
    );
    save();
  } else if (!state.userPassword) {
    state.userPassword = randomPassword();
    must(await api("PATCH", `${t}/users/${found[0].id}`, { password: state.userPassword }), 200);
    save();
  }

  return {
    systemIssuer: `${baseUrl}/t/system`,
    demoIssuer: `${baseUrl}/t/${DEMO.tenant}`,
    demoApp: { clientId: DEMO.clientId, clientSecret: state.clientSecret },
    demoUser: { email: DEMO.userEmail, password: state.userPassword },
  };
}
