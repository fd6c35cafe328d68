import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import postgres from 'postgres';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Any constant works; it only has to be the same in every process that migrates. */
const MIGRATION_LOCK_KEY = 7_150_331_001;

/**
 * Brings the database to the current schema: the app's drizzle migrations, then graphile-worker's
 * own schema (the API enqueues jobs with `graphile_worker.add_job` in its transactions, so the
 * queue must exist before the first request). Idempotent, and safe when a server and a worker
 * start at the same moment: an advisory lock lets one migrate while the other waits.
 */
export async function migrateDatabase(url: string): Promise<void> {
  await createDatabaseIfMissing(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_DIR });
    await runWorkerMigrations({ connectionString: url });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
/** Two `create database` of one name at the same moment: the loser hits pg_database's unique index. */
const UNIQUE_VIOLATION = '23505';

/** A newcomer's first start creates the database; nothing else needs to be set up by hand. */
async function createDatabaseIfMissing(url: string): Promise<void> {
  const probe = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await probe`select 1`;
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) throw error;
  } finally {
    await probe.end({ timeout: 5 });
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    // Another process (a server and a worker starting together) created it in the meantime.
    const code = (error as { code?: string }).code;
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await admin.end({ timeout: 5 });
  }
}
