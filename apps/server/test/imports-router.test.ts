import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importErrors } from '@acme/db';
import { importChannel } from '@acme/shared';
import { eventually, startTestServer, type TestServer } from '@acme/testing';
import { seedImport, failure } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const MISSING = '00000000-0000-4000-8000-000000000000';

/** Records what is published on an import's channel, from the moment it returns. */
async function listenToBus(id: string) {
  const controller = new AbortController();
  const messages: Record<string, unknown>[] = [];
  void (async () => {
    for await (const message of t.bus.subscribe(importChannel(id), controller.signal)) {
      messages.push(message as Record<string, unknown>);
    }
  })();
  // Publish probes until one comes back: from then on the subscription is live in Redis.
  await eventually(async () => {
    await t.bus.publish(importChannel(id), { probe: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return messages.length > 0 ? true : undefined;
  });
  messages.length = 0;
  return { messages, stop: () => controller.abort() };
}

async function jobKeys(): Promise<string[]> {
  const rows = await t.sql<{ key: string }[]>`
    select key from graphile_worker.jobs where task_identifier = 'import:process_csv' and key is not null`;
  return rows.map((row) => row.key);
}

/**
 * Gives the import a job locked by a worker pool, as graphile-worker leaves it while it runs; the
 * pool beats (alive) or went silent a minute ago (its process died).
 */
async function runningJob(id: string, worker: 'alive' | 'dead'): Promise<void> {
  const pool = `pool-test-${worker}-${id}`;
  await t.sql`select graphile_worker.add_job('import:process_csv', json_build_object('importId', ${id}::text), queue_name => 'imports', job_key => ${'import:' + id})`;
  await t.sql`update graphile_worker._private_jobs set locked_by = ${pool}, locked_at = now() - interval '2 minutes', attempts = 1
    where key = ${'import:' + id}`;
  await t.sql`insert into worker_heartbeats (worker_id, beat_at)
    values (${pool}, now() - ${worker === 'alive' ? '1 second' : '1 minute'}::interval)`;
}

/** The import's job as graphile-worker sees it: whether it will run again. */
async function jobOf(id: string) {
  const [job] = await t.sql<{ key: string | null; spent: boolean }[]>`
    select key, attempts >= max_attempts as spent from graphile_worker._private_jobs
    where payload->>'importId' = ${id} order by id desc limit 1`;
  return job;
}

describe('imports.list', () => {
  it('pages through imports newest first', async () => {
    const hour = 3_600_000;
    const base = Date.now() - 10 * hour;
    const oldest = await seedImport(t, { createdAt: new Date(base) });
    const middle = await seedImport(t, { createdAt: new Date(base + hour), status: 'failed' });
    const newest = await seedImport(t, { createdAt: new Date(base + 2 * hour) });

    const first = await t.api.imports.list.query({ pageSize: 2 });
    expect(first.total).toBeGreaterThanOrEqual(3);
    expect(first).toMatchObject({ page: 1, pageSize: 2 });
    const all = await t.api.imports.list.query({ pageSize: 200 });
    const order = all.items.map((item) => item.id);
    expect(order.indexOf(newest.id)).toBeLessThan(order.indexOf(middle.id));
    expect(order.indexOf(middle.id)).toBeLessThan(order.indexOf(oldest.id));
    const created = all.items.map((item) => item.createdAt.getTime());
    expect(created).toEqual([...created].sort((a, b) => b - a));

    const defaults = await t.api.imports.list.query();
    expect(defaults).toMatchObject({ page: 1, pageSize: 25 });
    const beyond = await t.api.imports.list.query({ page: 1000 });
    expect(beyond.items).toEqual([]);
  });

  it('refuses a bad page size', async () => {
    expect(await failure(t.api.imports.list.query({ pageSize: 0 }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(await failure(t.api.imports.list.query({ pageSize: 201 }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('imports.byId', () => {
  it('returns the whole state', async () => {
    const seeded = await seedImport(t, { bytesTotal: 1234, warnings: ['column "colour" ignored'] });
    const state = await t.api.imports.byId.query({ id: seeded.id });
    expect(state).toEqual(seeded);
    expect(state.createdAt).toBeInstanceOf(Date);
  });

  it('answers BAD_REQUEST for an id that is no UUID and NOT_FOUND for a missing one', async () => {
    expect(await failure(t.api.imports.byId.query({ id: 'nope' }))).toEqual({
      code: 'BAD_REQUEST',
      message: 'id must be an import id (UUID)',
    });
    expect(await failure(t.api.imports.byId.query({ id: MISSING }))).toEqual({
      code: 'NOT_FOUND',
      message: `Import ${MISSING} does not exist`,
    });
  });
});

describe('imports.errors', () => {
  it('pages the skipped rows in file order', async () => {
    const seeded = await seedImport(t, { status: 'completed', invalid: 3 });
    await t.db.insert(importErrors).values([
      { importId: seeded.id, line: 9, sku: 'C-9', message: 'name is required' },
      { importId: seeded.id, line: 2, sku: null, message: 'sku is required' },
      { importId: seeded.id, line: 4, sku: 'B-4', message: 'active must be true or false' },
    ]);
    const first = await t.api.imports.errors.query({ id: seeded.id, pageSize: 2 });
    expect(first).toEqual({
      items: [
        { line: 2, sku: null, message: 'sku is required' },
        { line: 4, sku: 'B-4', message: 'active must be true or false' },
      ],
      total: 3,
      page: 1,
      pageSize: 2,
    });
    const second = await t.api.imports.errors.query({ id: seeded.id, pageSize: 2, page: 2 });
    expect(second.items).toEqual([{ line: 9, sku: 'C-9', message: 'name is required' }]);
  });

  it('answers NOT_FOUND for an unknown import and BAD_REQUEST for a bad page', async () => {
    expect(await failure(t.api.imports.errors.query({ id: MISSING }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const seeded = await seedImport(t);
    expect(await failure(t.api.imports.errors.query({ id: seeded.id, page: 0 }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('imports.cancel', () => {
  it('cancels a queued import at once, removes its job and publishes the state', async () => {
    const seeded = await seedImport(t, {}, 'sku,name\nA,B\n');
    await t.sql`select graphile_worker.add_job('import:process_csv', json_build_object('importId', ${seeded.id}::text), queue_name => 'imports', job_key => ${'import:' + seeded.id})`;
    expect(await jobKeys()).toContain(`import:${seeded.id}`);
    const bus = await listenToBus(seeded.id);

    const cancelled = await t.api.imports.cancel.mutate({ id: seeded.id });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelRequested: true,
      version: seeded.version + 1,
    });
    expect(cancelled.finishedAt).toBeInstanceOf(Date);
    expect(await t.api.imports.byId.query({ id: seeded.id })).toEqual(cancelled);
    expect(await jobKeys()).not.toContain(`import:${seeded.id}`);
    await eventually(() => (bus.messages.length > 0 ? true : undefined));
    expect(bus.messages[0]).toMatchObject({ id: seeded.id, status: 'cancelled', version: 1 });
    bus.stop();
  });

  it('only flags an import a live worker runs, once', async () => {
    const seeded = await seedImport(t, { status: 'importing', startedAt: new Date(), version: 4 });
    await runningJob(seeded.id, 'alive');
    const bus = await listenToBus(seeded.id);
    const flagged = await t.api.imports.cancel.mutate({ id: seeded.id });
    expect(flagged).toMatchObject({ status: 'importing', cancelRequested: true, version: 5 });
    await eventually(() => (bus.messages.length > 0 ? true : undefined));
    expect(bus.messages[0]).toMatchObject({ cancelRequested: true, version: 5 });

    const again = await t.api.imports.cancel.mutate({ id: seeded.id });
    expect(again).toEqual(flagged);
    bus.stop();
  });

  it('cancels at once an import whose worker died, and disarms its job', async () => {
    const seeded = await seedImport(t, { status: 'importing', startedAt: new Date(), version: 4 });
    await runningJob(seeded.id, 'dead');
    const cancelled = await t.api.imports.cancel.mutate({ id: seeded.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', version: 5 });
    expect(cancelled.finishedAt).toBeInstanceOf(Date);
    // Still locked by the dead worker until the rescue releases it; then it will not run.
    expect(await jobOf(seeded.id)).toEqual({ key: null, spent: true });
  });

  it('cancels at once a working import that has no job at all', async () => {
    const seeded = await seedImport(t, { status: 'parsing', startedAt: new Date() });
    expect(await t.api.imports.cancel.mutate({ id: seeded.id })).toMatchObject({
      status: 'cancelled',
    });
  });

  it('refuses an import that already ended, and unknown or malformed ids', async () => {
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      const seeded = await seedImport(t, { status });
      expect(await failure(t.api.imports.cancel.mutate({ id: seeded.id }))).toEqual({
        code: 'CONFLICT',
        message: `Import ${seeded.id} is already ${status}; there is nothing to cancel`,
      });
      expect((await t.api.imports.byId.query({ id: seeded.id })).version).toBe(0);
    }
    expect(await failure(t.api.imports.cancel.mutate({ id: MISSING }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await failure(t.api.imports.cancel.mutate({ id: '42' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('imports.retry', () => {
  it('requeues a failed import from its stored file, from scratch', async () => {
    const seeded = await seedImport(
      t,
      {
        status: 'failed',
        error: 'The file has no "name" column (found: sku, title)',
        bytesProcessed: 20,
        rowsProcessed: 7,
        created: 3,
        updated: 2,
        unchanged: 1,
        invalid: 1,
        percent: 40,
        rowsPerSecond: 12.5,
        warnings: ['column "title" ignored'],
        attempts: 1,
        version: 6,
        startedAt: new Date(),
        finishedAt: new Date(),
      },
      'sku,title\nA,B\n',
    );
    await t.db
      .insert(importErrors)
      .values({ importId: seeded.id, line: 2, sku: 'A', message: 'name is required' });
    const bus = await listenToBus(seeded.id);

    const retried = await t.api.imports.retry.mutate({ id: seeded.id });
    expect(retried).toMatchObject({
      status: 'queued',
      error: null,
      bytesTotal: seeded.bytesTotal,
      bytesProcessed: 0,
      rowsProcessed: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      invalid: 0,
      percent: 0,
      rowsPerSecond: 0,
      warnings: [],
      cancelRequested: false,
      attempts: 1,
      version: 7,
      startedAt: null,
      finishedAt: null,
    });
    expect((await t.api.imports.errors.query({ id: seeded.id })).total).toBe(0);
    expect(await jobKeys()).toContain(`import:${seeded.id}`);
    await eventually(() => (bus.messages.length > 0 ? true : undefined));
    expect(bus.messages[0]).toMatchObject({ status: 'queued', version: 7 });
    bus.stop();
  });

  it('requeues a cancelled import', async () => {
    const seeded = await seedImport(t, { status: 'cancelled', cancelRequested: true }, 'x');
    const retried = await t.api.imports.retry.mutate({ id: seeded.id });
    expect(retried).toMatchObject({ status: 'queued', cancelRequested: false, version: 1 });
  });

  it('refuses a completed import, and one a live worker runs', async () => {
    const completed = await seedImport(t, { status: 'completed' }, 'sku,name\n');
    expect(await failure(t.api.imports.retry.mutate({ id: completed.id }))).toEqual({
      code: 'CONFLICT',
      message: `Import ${completed.id} is completed; upload the file again to import it again`,
    });
    const running = await seedImport(t, { status: 'importing' }, 'sku,name\n');
    await runningJob(running.id, 'alive');
    expect(await failure(t.api.imports.retry.mutate({ id: running.id }))).toEqual({
      code: 'CONFLICT',
      message: `Import ${running.id} is importing on a live worker; cancel it first to run it again`,
    });
  });

  it('runs again a stuck import whose worker died, with a new job in place of the dead one', async () => {
    const seeded = await seedImport(
      t,
      { status: 'importing', attempts: 5, startedAt: new Date(), rowsProcessed: 9 },
      'sku,name\nA,B\n',
    );
    await runningJob(seeded.id, 'dead');
    const retried = await t.api.imports.retry.mutate({ id: seeded.id });
    expect(retried).toMatchObject({ status: 'queued', rowsProcessed: 0, startedAt: null });
    const jobs = await t.sql<{ key: string | null; locked: boolean; spent: boolean }[]>`
      select key, locked_by is not null as locked, attempts >= max_attempts as spent
      from graphile_worker._private_jobs where payload->>'importId' = ${seeded.id} order by id`;
    expect(jobs).toEqual([
      { key: null, locked: true, spent: true }, // the dead worker's, disarmed
      { key: `import:${seeded.id}`, locked: false, spent: false },
    ]);
  });

  it('refuses when the file is no longer stored, changing nothing', async () => {
    const seeded = await seedImport(t, { status: 'failed', error: 'boom' });
    expect(await failure(t.api.imports.retry.mutate({ id: seeded.id }))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: `The file of import ${seeded.id} is no longer stored; upload it again`,
    });
    expect(await t.api.imports.byId.query({ id: seeded.id })).toEqual(seeded);
    expect(await jobKeys()).not.toContain(`import:${seeded.id}`);
  });

  it('answers NOT_FOUND and BAD_REQUEST for unknown and malformed ids', async () => {
    expect(await failure(t.api.imports.retry.mutate({ id: MISSING }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await failure(t.api.imports.retry.mutate({ id: '' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
