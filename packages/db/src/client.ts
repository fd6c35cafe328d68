import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;
export type Db = ReturnType<typeof createDrizzle>;

function createDrizzle(sql: postgres.Sql) {
  return drizzle(sql, { schema, casing: 'snake_case' });
}

export interface Database {
  /** postgres.js, for COPY, LISTEN and hand-written set-based SQL. */
  sql: Sql;
  /** drizzle over the same pool, for typed queries. */
  db: Db;
  close: () => Promise<void>;
}

export interface DatabaseOptions {
  /** Pool size. */
  max?: number;
  /**
   * false for a pool of short interactive queries (the server's): PostgreSQL JIT-compiles any
   * query whose estimated cost passes jit_above_cost, which takes 30–100 ms, more than a list
   * query itself. Bulk work (imports) keeps the server's default.
   */
  jit?: boolean;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'acme', ...(options.jit === false ? { jit: 'off' } : {}) },
  });
  return { sql, db: createDrizzle(sql), close: () => sql.end({ timeout: 5 }) };
}

/** A transaction usable both as postgres.js (COPY, hand-written SQL) and as drizzle. */
export interface Transaction {
  sql: TransactionSql;
  db: Db;
}

export async function transaction<T>(sql: Sql, run: (tx: Transaction) => Promise<T>): Promise<T> {
  // postgres.js types the result of begin() as UnwrapPromiseArray<T>; for a plain value it is T.
  return (await sql.begin((tx) => {
    // drizzle's driver reads (and sets its date parsers on) `client.options`, which a postgres.js
    // transaction lacks; the transaction runs on a connection of `sql`, so it shares those options.
    const client = Object.assign(tx, { options: sql.options }) as unknown as Sql;
    return run({ sql: tx, db: createDrizzle(client) });
  })) as T;
}

/**
 * A timestamp from hand-written SQL as a Date: drizzle installs pass-through date parsers on the
 * pool it shares, so postgres.js then returns timestamptz as text ("2026-11-22 13:15:32.9+00").
 */
export function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
