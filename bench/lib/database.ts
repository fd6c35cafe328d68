import postgres from 'postgres';
import { migrateDatabase } from '@acme/db/migrate';

/** The server benchmarks create their databases on: BENCH_ADMIN_URL, else the local PostgreSQL. */
export const DEFAULT_ADMIN_URL =
  process.env['BENCH_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of database `name` on the server `adminUrl` points at. */
export function benchDatabaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` over a one-connection pool on the admin database, then closes it. */
export async function withAdmin<T>(
  adminUrl: string,
  work: (admin: postgres.Sql) => Promise<T>,
): Promise<T> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Drops the benchmark's database `name`, whatever holds it open. */
export function dropBenchDatabase(adminUrl: string, name: string): Promise<void> {
  return withAdmin(adminUrl, async (admin) => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  });
}

/** Database `name` created anew (a previous run's dropped first) and migrated; returns its URL. */
export async function freshBenchDatabase(adminUrl: string, name: string): Promise<string> {
  await dropBenchDatabase(adminUrl, name);
  await withAdmin(adminUrl, async (admin) => {
    await admin.unsafe(`create database ${name}`);
  });
  const url = benchDatabaseUrl(adminUrl, name);
  await migrateDatabase(url);
  return url;
}
