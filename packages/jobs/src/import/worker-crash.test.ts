import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { TEST_REDIS_URL } from '@acme/realtime/testing';
import {
  kill,
  readImport,
  sampleCsv,
  sampleDistinctSkus,
  spawnWorker,
  storeFile,
  waitForFinal,
} from '@acme/testing';

let database: TestDatabase;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const worker of workers) await kill(worker);
  await database?.drop();
});

test('a worker SIGKILLed mid-import: after a restart the import completes within a minute, catalogue right', async () => {
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: uniqueRedisPrefix(),
  };
  const rows = 100_000;
  const id = await storeFile(database.sql, 'crash.csv', sampleCsv({ rows }));
  const first = spawnWorker(env);
  workers.push(first);
  await vi.waitFor(
    async () => {
      const state = await readImport(database.db, id);
      expect(state.status).not.toBe('completed'); // the kill must land mid-import
      expect(state.rowsProcessed).toBeGreaterThan(0);
    },
    { timeout: 30_000, interval: 50 },
  );
  await kill(first, 'SIGKILL');
  const killed = await readImport(database.db, id);
  expect(['parsing', 'importing']).toContain(killed.status);

  const restartedAt = Date.now();
  workers.push(spawnWorker(env));
  const final = await waitForFinal(database, id, 90_000);
  expect(final).toMatchObject({
    status: 'completed',
    rowsProcessed: rows,
    created: sampleDistinctSkus({ rows }),
    invalid: 0,
    attempts: 2,
  });
  expect(final.finishedAt!.getTime() - restartedAt).toBeLessThan(60_000);
  const [count] = await database.sql<{ n: number }[]>`select count(*)::int as n from products`;
  expect(count?.n).toBe(final.created);
}, 120_000);
