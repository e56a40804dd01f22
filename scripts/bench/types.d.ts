// Shapes shared by the benchmark's scripts (JSDoc-typed .mjs files).

/** A server process of the benchmark. */
export interface ServerHandle {
  url: string;
  /** The process that serves requests (workerd, or oidc-provider's Node process): its CPU time is measured. */
  servingPid: number;
  /** The Node process forked for it (for workerd: the Miniflare host, parent of workerd). */
  hostPid: number;
  stderr: () => string;
  close: () => Promise<void>;
}

export type OperationKey = "cc" | "discovery" | "jwks" | "code" | "refresh";

export interface Operation {
  path: string;
  /** Form body of a fixed POST request; none for GET. */
  body?: string;
}

export interface System {
  key: string;
  label: string;
  server: ServerHandle;
  url: string;
  ops: Partial<Record<OperationKey, Operation>>;
}

/** A system that also runs the user flows: codes minted through single sign-on, exchanged, refreshed. */
export interface UserFlowSystem extends System {
  ops: Record<OperationKey, Operation>;
  mintCodes: (count: number) => Promise<string[]>;
  exchangeBody: (code: string) => string;
  refreshBody: (token: string) => string;
}

export interface LatchkeySystem extends UserFlowSystem {
  issuer: string;
  /** One authorization through single sign-on, as user `i` (modulo the users signed in). */
  authorize: (i: number) => Promise<Response>;
}

export interface LoadResult {
  requests: number;
  ok: number;
  failed: number;
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequestMs: number;
  cpuUtilization: number;
  loadGeneratorUtilization: number;
  backgroundUtilization: number;
  seconds: number;
}

/** What workerd-host.mjs is told to start. */
export interface WorkerdSpec {
  target: string;
  port: number;
  persistDir: string;
  scriptPath: string;
  vars: Record<string, string>;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  /** Binding name of a KV namespace to create. */
  kv?: string;
  /** Statements creating a D1 database bound as DB. */
  d1Setup?: string[];
  inspectorPort?: number;
}

export interface OidcProviderSpec {
  port: number;
  client: { client_id: string; client_secret: string; redirect_uri: string };
  api: string;
  scope: string;
}

/** Messages a server process sends its parent. */
export type ServerMessage = { ready: true; url: string; workerdPid?: number | null; pid?: number } | { error: string };

/** Latchkey's storage use for one request, from Server-Timing. */
export interface Usage {
  status: number;
  d1RoundTrips: number;
  d1Statements: number;
  kvReads: number;
  doCalls: number;
}
