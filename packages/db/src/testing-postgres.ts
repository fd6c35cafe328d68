import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createLogger } from '@acme/runtime/logger';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';

const VARIABLE = 'TEST_DATABASE_ADMIN_URL';
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where tests create their databases: TEST_DATABASE_ADMIN_URL, else the machine's PostgreSQL. */
export function testAdminUrl(): string {
  return process.env[VARIABLE] ?? DEFAULT_ADMIN_URL;
}

// Every project's global setup runs in the one vitest process, each with its own module instance:
// the embedded cluster they share hangs off globalThis.
const SHARED = Symbol.for('acme.testPostgres');
interface Shared {
  users: number;
  started: Promise<EmbeddedPostgres | undefined>;
}
const registry = globalThis as { [SHARED]?: Shared };

/**
 * Makes sure the tests have a PostgreSQL. When TEST_DATABASE_ADMIN_URL is unset and nothing
 * answers on 127.0.0.1:5432 (a fresh machine), starts an embedded one for this run and points
 * TEST_DATABASE_ADMIN_URL at it (test workers inherit the variable). Returns the release; the last
 * one stops the embedded cluster and deletes its files.
 */
export async function acquireTestPostgres(
  options: { defaultUrl?: string } = {},
): Promise<() => Promise<void>> {
  const shared = (registry[SHARED] ??= {
    users: 0,
    started: startUnlessOneAnswers(options.defaultUrl ?? DEFAULT_ADMIN_URL),
  });
  shared.users += 1;
  const release = async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[SHARED];
    await (await shared.started.catch(() => undefined))?.stop();
  };
  try {
    await shared.started;
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

async function startUnlessOneAnswers(defaultUrl: string): Promise<EmbeddedPostgres | undefined> {
  const configured = process.env[VARIABLE];
  const url = configured ?? defaultUrl;
  if (await answers(url)) return undefined;
  if (configured !== undefined) {
    throw new Error(
      `No PostgreSQL answers at ${VARIABLE} (${redact(url)}): start it, or unset ${VARIABLE} to let the tests run an embedded one.`,
    );
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'acme-test-postgres-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, who must reach its data
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'data'),
    logger: createLogger({ level: 'warn', name: 'test-postgres' }),
    // Throwaway data; as many connections as parallel test files with their servers need.
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '400',
    },
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const admin = new URL(embedded.url);
  admin.pathname = '/postgres';
  process.env[VARIABLE] = admin.toString();
  console.info(
    `No PostgreSQL answers on ${new URL(defaultUrl).host}: the tests use an embedded one (${dir}), removed when they end.`,
  );
  return {
    ...embedded,
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** True when a PostgreSQL accepts the URL; false when nothing answers there. */
async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (
      ['ECONNREFUSED', 'CONNECT_TIMEOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EADDRNOTAVAIL'].includes(
        code,
      )
    )
      return false;
    throw error; // something answers, but refuses: say so rather than start another
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
