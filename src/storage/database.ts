// One drizzle instance per request over a D1 binding that counts what reaches D1, so
// tests can assert how many round trips a hot path costs (see Server-Timing in app.ts).
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";

/** No relational schema is registered: drizzle would walk it on every instance (per request). */
export type Database = DrizzleD1Database;

export interface RequestStats {
  /** Calls that went to D1: a batch counts once, however many statements it holds. */
  d1RoundTrips: number;
  d1Statements: number;
  kvReads: number;
  /** Calls to Durable Objects (RPC), through stubs made with `countCalls`. */
  durableObjectCalls: number;
}

export function newRequestStats(): RequestStats {
  return { d1RoundTrips: 0, d1Statements: 0, kvReads: 0, durableObjectCalls: 0 };
}

export function openDatabase(d1: D1Database, stats: RequestStats): Database {
  return drizzle(new CountingD1(d1, stats) as unknown as D1Database);
}

const innerStatement = new WeakMap<object, D1PreparedStatement>();

class CountingStatement {
  constructor(
    private readonly inner: D1PreparedStatement,
    private readonly stats: RequestStats,
  ) {
    innerStatement.set(this, inner);
  }
  private count() {
    this.stats.d1RoundTrips++;
    this.stats.d1Statements++;
  }
  bind(...values: unknown[]) {
    return new CountingStatement(this.inner.bind(...values), this.stats);
  }
  first<T>(column?: string) {
    this.count();
    return column === undefined ? this.inner.first<T>() : this.inner.first<T>(column);
  }
  all<T>() {
    this.count();
    return this.inner.all<T>();
  }
  run<T>() {
    this.count();
    return this.inner.run<T>();
  }
  raw<T>(options?: { columnNames?: boolean }) {
    this.count();
    return this.inner.raw<T>(options as { columnNames: true });
  }
}

class CountingD1 {
  constructor(
    private readonly inner: D1Database,
    private readonly stats: RequestStats,
  ) {}
  prepare(query: string) {
    return new CountingStatement(this.inner.prepare(query), this.stats);
  }
  batch(statements: object[]) {
    this.stats.d1RoundTrips++;
    this.stats.d1Statements += statements.length;
    return this.inner.batch(statements.map((s) => innerStatement.get(s) ?? (s as D1PreparedStatement)));
  }
  exec(query: string) {
    this.stats.d1RoundTrips++;
    return this.inner.exec(query);
  }
  dump() {
    return this.inner.dump();
  }
}

/** Wraps a Durable Object stub so each method call counts as one round trip in `stats`. */
export function countCalls<T extends object>(stub: T, stats: RequestStats | undefined): T {
  if (!stats) return stub;
  return new Proxy(stub, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property === "symbol") return value;
      return (...args: unknown[]) => {
        stats.durableObjectCalls++;
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
}
