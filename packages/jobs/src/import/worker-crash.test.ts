import { expect, test, vi } from 'vitest';
import {
  kill,
  readImport,
  sampleCsv,
  sampleDistinctSkus,
  storeFile,
  useWorkerProcesses,
  waitForFinal,
} from '@acme/testing';

const processes = useWorkerProcesses();

test('a worker SIGKILLed mid-import: after a restart the import completes within a minute, catalogue right', async () => {
  const rows = 100_000;
  const id = await storeFile(processes.database.sql, 'crash.csv', sampleCsv({ rows }));
  const first = processes.spawn();
  await vi.waitFor(
    async () => {
      const state = await readImport(processes.database.db, id);
      expect(state.status).not.toBe('completed'); // the kill must land mid-import
      expect(state.rowsProcessed).toBeGreaterThan(0);
    },
    { timeout: 30_000, interval: 50 },
  );
  await kill(first, 'SIGKILL');
  const killed = await readImport(processes.database.db, id);
  expect(['parsing', 'importing']).toContain(killed.status);

  const restartedAt = Date.now();
  processes.spawn();
  const final = await waitForFinal(processes.database, id, 90_000);
  expect(final).toMatchObject({
    status: 'completed',
    rowsProcessed: rows,
    created: sampleDistinctSkus({ rows }),
    invalid: 0,
    attempts: 2,
  });
  expect(final.finishedAt!.getTime() - restartedAt).toBeLessThan(60_000);
  const [count] = await processes.database.sql<
    { n: number }[]
  >`select count(*)::int as n from products`;
  expect(count?.n).toBe(final.created);
}, 120_000);
