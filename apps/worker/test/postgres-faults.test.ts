import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, onTestFailed, test, vi } from 'vitest';
import { transaction, type Sql } from '@acme/db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@acme/db/embedded';
import { migrateDatabase } from '@acme/db/migrate';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { emitEvent } from '@acme/jobs/events';
import {
  freePort,
  sampleCsv,
  sampleDistinctSkus,
  startTestReceiver,
  storeFile,
  TEST_REDIS_URL,
  type TestReceiver,
} from '@acme/testing';
import { createLogger } from '@acme/runtime/logger';
import { FINAL_IMPORT_STATUSES, type TImportStatus } from '@acme/shared';
import { insertWebhook } from './webhook-helpers.ts';

/*
 * The worker against a PostgreSQL that goes away: a restart in the middle of an import and of
 * webhook deliveries, then the import's COPY session terminated. postgres.js 3.4.9 and
 * graphile-worker 0.18 both crashed the process on these faults before their patches
 * (patches/); here the worker must ride them out on its own: the import completes with the exact
 * catalogue, every delivery is sent, and the process is still the one we started.
 *
 * It needs a PostgreSQL of its own (the shared one is not ours to restart): the embedded one of
 * `pnpm start`, on a fixed port so that its URL survives the restart.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const ROWS = 150_000;
const DELIVERIES = 40; // 30 before the restart, 10 before the sessions are terminated

let directory: string;
let pg: EmbeddedPostgres;
let sql: Sql;
let receiver: TestReceiver;
let worker: ChildProcess;
const workerLog: string[] = [];
const logger = createLogger({ level: 'silent', name: 'postgres-faults' });

async function startPostgres(port: number) {
  pg = await startEmbeddedPostgres({ dataDir: path.join(directory, 'pg'), logger, port });
  // One session, so that terminating every other session spares all of the test's own.
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
}

async function restartPostgres() {
  await sql.end({ timeout: 1 }).catch(() => {});
  await pg.stop();
  await startPostgres(pg.port);
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'acme-pg-faults-'));
  await chmod(directory, 0o755); // as root, PostgreSQL runs as `postgres`, who must reach its data
  await startPostgres(await freePort());
  await migrateDatabase(pg.url);
  receiver = await startTestReceiver();
  // Slow answers, so that deliveries are in flight when PostgreSQL goes away.
  receiver.respond((_request, res) => setTimeout(() => res.writeHead(204).end(), 300));
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = once(worker, 'exit');
    worker.kill('SIGKILL');
    await exited;
  }
  await sql?.end({ timeout: 1 }).catch(() => {});
  await pg?.stop();
  await receiver?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
}, 60_000);

/** The check's first value within the deadline; fails at once, saying so, if the worker died. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number) {
  let died: string | undefined;
  const value = await vi.waitFor(
    async () => {
      if (worker.exitCode !== null || worker.signalCode !== null) {
        died = `${what}: the worker died (${worker.exitCode ?? worker.signalCode})`;
        return null;
      }
      const checked = await check().catch(() => undefined); // PostgreSQL may be restarting
      if (checked === undefined) throw new Error(`${what}: not within ${timeoutMs} ms`);
      return { checked };
    },
    { timeout: timeoutMs, interval: 25 },
  );
  if (!value) throw new Error(died);
  return value.checked;
}

const importState = (id: string) =>
  sql<{ status: TImportStatus; rowsProcessed: number; created: number; attempts: number }[]>`
    select status, rows_processed as "rowsProcessed", created, attempts
    from imports where id = ${id}`.then((rows) => rows[0]!);

const deliveryCounts = () =>
  sql<{ status: string; n: number }[]>`
    select status::text, count(*)::int as n from webhook_deliveries group by status`.then((rows) =>
    Object.fromEntries(rows.map((row) => [row.status, row.n])),
  );

test('the worker rides out a PostgreSQL restart and a terminated COPY session: the import completes, every delivery is sent', async () => {
  onTestFailed(async () => {
    console.error(`worker log (last 60 lines):\n${workerLog.slice(-60).join('\n')}`);
    console.error('deliveries', await deliveryCounts().catch((error: unknown) => error));
  });
  worker = spawn(process.execPath, ['apps/worker/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: pg.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: uniqueRedisPrefix(),
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '2',
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
      WEBHOOK_RETRY_BASE_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [worker.stdout!, worker.stderr!])
    stream.setEncoding('utf8').on('data', (data: string) => workerLog.push(...data.split('\n')));

  await insertWebhook(sql, receiver.url);
  const createProducts = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      await transaction(sql, async ({ sql: tx }) => {
        const [product] = await tx<{ id: number; sku: string }[]>`
          insert into products (sku, name) values (${`FAULT-${i}`}, 'Kettle') returning id::int, sku`;
        await emitEvent(tx, 'product.created', { ...product });
      });
    }
  };
  await createProducts(0, 30);
  const id = await storeFile(sql, 'faults.csv', sampleCsv({ rows: ROWS }));

  // 1. PostgreSQL restarts while the import reads its file and deliveries are in flight.
  await until(
    'the import under way and deliveries sent',
    async () => {
      const state = await importState(id);
      return state.rowsProcessed > 0 && receiver.received.length > 0 ? state : undefined;
    },
    60_000,
  );
  expect((await importState(id)).status).not.toBe('completed'); // the fault must land mid-import
  await restartPostgres();

  // 2. With deliveries in flight again, every session of the worker is terminated, the import's
  // COPY among them (graphile-worker's job queries, its LISTEN, the liveness beacon: all of them).
  await createProducts(30, DELIVERIES);
  const terminated = await until(
    'a COPY of the import to terminate',
    async () => {
      const [copy] = await sql`
        select 1 from pg_stat_activity where query ilike 'copy%import_stage%'`;
      if (!copy) return undefined;
      // Materialised first: in one WHERE, PostgreSQL may call pg_terminate_backend on this session.
      return sql<{ query: string }[]>`
        with others as materialized (
          select pid, query from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
        )
        select query from others where pg_terminate_backend(pid)`;
    },
    60_000,
  );
  expect(terminated.some((session) => /^copy/i.test(session.query))).toBe(true);

  // The import ends by itself, completed, with the exact catalogue.
  const final = await until(
    'the import final',
    async () => {
      const state = await importState(id);
      return FINAL_IMPORT_STATUSES.includes(state.status) ? state : undefined;
    },
    120_000,
  );
  expect(final.status).toBe('completed');
  expect(final.created).toBe(sampleDistinctSkus({ rows: ROWS }));
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from products`;
  expect(count!.n).toBe(DELIVERIES + final.created);

  // Every delivery drains: none lost, none left pending.
  await until(
    'every delivery succeeded',
    async () => {
      const counts = await deliveryCounts();
      return counts['succeeded'] === DELIVERIES ? counts : undefined;
    },
    120_000,
  );
  const ids = new Set(receiver.received.map((request) => request.headers['webhook-id']));
  expect(ids.size).toBe(DELIVERIES);

  // And it was the same worker process all along.
  expect(worker.exitCode).toBeNull();
  expect(worker.signalCode).toBeNull();
}, 300_000);
