import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { emitEvent } from '../events.ts';
import { generateSecret } from '../webhooks/signing.ts';
import { TEST_REDIS_URL } from '@acme/realtime/testing';
import {
  kill,
  readImport,
  sampleCsv,
  sampleDistinctSkus,
  spawnWorker,
  startTestReceiver,
  storeFile,
  type TestReceiver,
  waitForFinal,
  useTestDatabase,
} from '@acme/testing';

// Regression test for jobs running longer than the liveness window (30 s): they must stay with
// their live worker. Before the fix, the beacon recorded per-slot worker ids while graphile-worker
// locks jobs with its pool id, so every job older than 30 s was force-unlocked and run again.

const IMPORT_HELD_MS = 90_000;
const DELIVERY_HELD_MS = 40_000;

const database = useTestDatabase();
let receiver: TestReceiver;
let worker: ChildProcess | undefined;
const log: string[] = [];

beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(async () => {
  if (worker) await kill(worker);
  await receiver?.close();
});

test('an import busy for 90 s and a delivery held 40 s each run once on their live worker', async () => {
  const { sql } = database;
  // The endpoint answers the delivery only after 40 s (the worker's timeout is raised to allow it).
  receiver.respond((_request, res) => {
    setTimeout(() => res.writeHead(204).end(), DELIVERY_HELD_MS);
  });
  await sql`insert into webhooks (url, events, secret)
    values (${receiver.url}, ${['product.created']}, ${generateSecret()})`;

  // The import's catalogue write waits behind this lock for as long as the test holds it: a
  // real import, busy in its write phase, while the worker's rescue runs every 10 s.
  const holder = await sql.reserve();
  await holder`begin`;
  await holder`lock table products in share mode`;

  const rows = 2_000;
  const importId = await storeFile(sql, 'long.csv', sampleCsv({ rows }));
  worker = spawnWorker(
    {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: uniqueRedisPrefix(),
      // graphile-worker's line for each finished job (the rescue's among them) is debug.
      LOG_LEVEL: 'debug',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '60000',
    },
    log,
  );
  await emitEvent(sql, 'product.created', { id: 1, sku: 'LONG-1' });

  await expect
    .poll(async () => (await readImport(database.db, importId)).status, { timeout: 30_000 })
    .toBe('importing');
  const heldSince = Date.now();
  await receiver.waitFor(1, 30_000);

  // The delivery's answer arrives after 40 s; it is recorded once, as the first attempt.
  await expect
    .poll(
      async () =>
        (
          await sql<{ status: string; attempts: number }[]>`
            select status, attempts from webhook_deliveries`
        ).map((d) => `${d.status}/${d.attempts}`),
      { timeout: DELIVERY_HELD_MS + 30_000, interval: 500 },
    )
    .toEqual(['succeeded/1']);
  expect(receiver.received).toHaveLength(1);

  // Hold the import for 90 s in all, then let it write.
  await expect
    .poll(() => Date.now() - heldSince, {
      timeout: IMPORT_HELD_MS + 10_000,
      interval: 1_000,
    })
    .toBeGreaterThanOrEqual(IMPORT_HELD_MS);
  expect((await readImport(database.db, importId)).status).toBe('importing');
  await holder`rollback`;
  holder.release();

  const final = await waitForFinal(database, importId, 60_000);
  expect(final).toMatchObject({
    status: 'completed',
    attempts: 1,
    created: sampleDistinctSkus({ rows }),
  });
  const [job] = await sql<{ attempts: number }[]>`
    select coalesce(max(attempts), 0)::int as attempts from graphile_worker.jobs
    where task_identifier = 'import:process_csv'`;
  expect(job!.attempts).toBe(0); // the job completed and is gone: no retry is waiting
  // The rescue ran all along (every 10 s), and never took a job from this live worker.
  const rescues = log.filter((line) => line.includes('import:rescue_stalled')).length;
  expect(rescues).toBeGreaterThanOrEqual(6);
  expect(log.filter((line) => line.includes('released the jobs'))).toEqual([]);
  expect(receiver.received).toHaveLength(1);
}, 240_000);
