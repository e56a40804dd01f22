// Bindings and variables every module sees, typed once (hono/factory) so that a route,
// a middleware and a Durable Object agree on what `env` and `c.var` hold.
import { createFactory } from "hono/factory";
import type { Ephemeral } from "./ephemeral/ephemeral";
import type { KeyRing } from "./keys/key-ring";
import type { UserState } from "./sessions/user-state";
import type { SignInThrottle } from "./throttle/sign-in-throttle";
import type { RequestStats } from "./storage/database";
import type { Tenant } from "./directory/tenants";

export interface Env {
  DB: D1Database;
  CACHE: KVNamespace;
  KEY_RING: DurableObjectNamespace<KeyRing>;
  USER_STATE: DurableObjectNamespace<UserState>;
  EPHEMERAL: DurableObjectNamespace<Ephemeral>;
  SIGN_IN_THROTTLE: DurableObjectNamespace<SignInThrottle>;
  /** Origin (and optional path prefix) the worker is reached at; issuers derive from it. */
  PUBLIC_BASE_URL: string;
  /** Bootstrap operator client of the `system` tenant. */
  ADMIN_CLIENT_ID?: string;
  ADMIN_CLIENT_SECRET?: string;
  /** 32 random bytes, base64url: encrypts signing keys at rest. */
  SIGNING_KEY_ENCRYPTION_KEY?: string;
  /** "on" adds a Server-Timing header with D1 and KV counts (tests, profiling). */
  SERVER_TIMING?: string;
  /** outbox (local development), resend or postmark: see src/email/sender.ts. */
  EMAIL_PROVIDER?: string;
  /** Sender address of every email, e.g. no-reply@id.example.com (the tenant's name is the display name). */
  EMAIL_FROM?: string;
  /** The provider's API key (a secret). */
  EMAIL_API_KEY?: string;
  /** Overrides the provider's API base URL (an EU endpoint, or a local server in tests). */
  EMAIL_API_URL?: string;
}

export interface AppVariables {
  stats: RequestStats;
  /** Set by the per-tenant router once the slug in the path resolved. */
  tenant: Tenant;
  /**
   * CSP form-action source of the app a hosted page's forms may end up at (set by the
   * interaction guard from the request's redirect_uri); unset, forms stay on this origin.
   */
  formActionTarget?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

export const factory = createFactory<AppEnv>();
