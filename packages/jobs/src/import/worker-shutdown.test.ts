import { once } from 'node:events';
import { expect, test } from 'vitest';
import { importJobKey } from './enqueue-import.ts';
import {
  productCount,
  readImport,
  sampleDistinctSkus,
  useWorkerProcesses,
  waitForFinal,
} from '@acme/testing';

const processes = useWorkerProcesses();

test('SIGTERM mid-import hands the import back to the queue at once; the next worker completes it', async () => {
  const rows = 100_000;
  const { id, worker: first } = await processes.importUnderWay('shutdown.csv', rows);

  const exited = once(first, 'exit');
  first.kill('SIGTERM');
  // Back in the queue well before the 10 s shutdown timeout, with a job any worker can take now.
  await expect
    .poll(async () => (await readImport(processes.database.db, id)).status, { timeout: 5_000 })
    .toBe('queued');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
  const queued = await readImport(processes.database.db, id);
  expect(queued.interruptions).toMatchObject([{ attempt: 1, reason: 'the worker shut down' }]);
  const jobs = await processes.database.sql<{ attempts: number; locked: boolean; due: boolean }[]>`
    select attempts, locked_at is not null as locked, run_at <= now() as due
    from graphile_worker.jobs where key = ${importJobKey(id)}`;
  expect(jobs).toEqual([{ attempts: 0, locked: false, due: true }]);

  processes.spawn();
  const final = await waitForFinal(processes.database, id, 90_000);
  expect(final).toMatchObject({
    status: 'completed',
    rowsProcessed: rows,
    created: sampleDistinctSkus({ rows }),
    attempts: 2,
  });
  expect(final.interruptions).toHaveLength(1);
  expect(await productCount(processes.database.sql)).toBe(final.created);
}, 120_000);
