import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import postgres from 'postgres';
import { createDatabase, type Database } from './client.ts';
import { migrateDatabase } from './migrate.ts';
import { testAdminUrl } from './testing-postgres.ts';

const TEST_DB_PREFIX = 'acme_test_';
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

export function databaseUrl(name: string): string {
  const url = new URL(testAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

function uniqueName(kind: 'tpl' | 'db'): string {
  return `${TEST_DB_PREFIX}${kind}_${Date.now()}_${randomBytes(4).toString('hex')}`;
}

async function withAdmin<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(testAdminUrl(), { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Creates and migrates the template that every test file of one run clones. */
export async function createTemplateDatabase(): Promise<string> {
  const name = uniqueName('tpl');
  await withAdmin(async (sql) => {
    await dropStaleDatabases(sql);
    await sql.unsafe(`create database "${name}"`);
  });
  await migrateDatabase(databaseUrl(name));
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
}

/** Databases left behind by runs that were killed before their teardown. */
async function dropStaleDatabases(sql: postgres.Sql): Promise<void> {
  const rows = await sql<{ datname: string }[]>`
    select datname from pg_database where datname like ${TEST_DB_PREFIX + '%'}`;
  for (const { datname } of rows) {
    const createdAt = Number(datname.split('_')[3]);
    if (Number.isFinite(createdAt) && Date.now() - createdAt > STALE_AFTER_MS) {
      await sql.unsafe(`drop database if exists "${datname}" with (force)`);
    }
  }
}

export interface TestDatabase extends Database {
  name: string;
  url: string;
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>;
}

/** A fresh, migrated database for one test file, cloned from the run's template in ~100 ms. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  const name = uniqueName('db');
  await withAdmin((sql) => sql.unsafe(`create database "${name}" template "${template}"`));
  const url = databaseUrl(name);
  const database = createDatabase(url, { max: 5 });
  return {
    ...database,
    name,
    url,
    drop: async () => {
      await database.close();
      await dropDatabase(name);
    },
  };
}

/** A Redis key prefix no other test file or run shares. */
export function uniqueRedisPrefix(): string {
  return `acme-test:${randomBytes(6).toString('hex')}:`;
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
