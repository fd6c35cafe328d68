import { beforeEach, expect, test } from 'vitest';
import { createMemoryBus } from '@acme/realtime';
import { createLogger } from '@acme/runtime/logger';
import { enqueueImport, importJobKey } from './enqueue-import.ts';
import { rescueStalledImports } from './rescue-stalled.ts';
import { readImport, useTestDatabase } from '@acme/testing';

const database = useTestDatabase();
const bus = createMemoryBus();
const logger = createLogger({ level: 'silent', name: 'test' });

beforeEach(async () => {
  await database.sql`delete from graphile_worker._private_jobs`;
  await database.sql`delete from imports`;
});

async function workingImport(status: 'queued' | 'parsing' | 'importing'): Promise<string> {
  const [row] = await database.sql<{ id: string }[]>`
    insert into imports (filename, status) values ('stuck.csv', ${status}) returning id`;
  return row!.id;
}

/** Sets the import's job as graphile-worker leaves it: its attempts, its lock, its last error. */
async function setJob(
  id: string,
  job: { attempts: number; lockedBy?: string; lastError?: string },
): Promise<void> {
  await enqueueImport(database.sql, id);
  await database.sql`
    update graphile_worker._private_jobs
    set attempts = ${job.attempts}, last_error = ${job.lastError ?? null},
        locked_by = ${job.lockedBy ?? null},
        locked_at = ${job.lockedBy ? database.sql`now()` : null}
    where key = ${importJobKey(id)}`;
}

test('fails working imports that no job will run, with the reason, and leaves the others alone', async () => {
  const spent = await workingImport('importing');
  await setJob(spent, { attempts: 5, lastError: 'Connection terminated\n    at stack' });
  const jobless = await workingImport('parsing');
  const running = await workingImport('importing');
  await setJob(running, { attempts: 5, lockedBy: 'pool-alive' });
  const retrying = await workingImport('queued');
  await setJob(retrying, { attempts: 2, lastError: 'boom' });

  const failed = await rescueStalledImports({ sql: database.sql, bus, logger });

  expect(failed.sort()).toEqual([spent, jobless].sort());
  expect(await readImport(database.db, spent)).toMatchObject({
    status: 'failed',
    error:
      'The import was interrupted 5 times and no attempt is left; retry the import. The last one ended with: Connection terminated',
  });
  expect(await readImport(database.db, jobless)).toMatchObject({
    status: 'failed',
    error: 'The import lost its background job; retry the import.',
  });
  expect((await readImport(database.db, running)).status).toBe('importing');
  expect((await readImport(database.db, retrying)).status).toBe('queued');
  const [event] = await database.sql<{ n: number }[]>`
    select count(*)::int as n from events where type = 'import.failed'`;
  expect(event!.n).toBe(2);
});
