import { expect, test } from 'vitest';
import {
  kill,
  productCount,
  readImport,
  sampleDistinctSkus,
  useWorkerProcesses,
  waitForFinal,
} from '@acme/testing';

const processes = useWorkerProcesses();

test('a worker SIGKILLed mid-import: after a restart the import completes within a minute, catalogue right', async () => {
  const rows = 100_000;
  const { id, worker: first } = await processes.importUnderWay('crash.csv', rows);
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
  expect(await productCount(processes.database.sql)).toBe(final.created);
}, 120_000);
