import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSearchIndexes, SEARCH_INDEXES } from '@acme/db';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { enqueueJob, MAINTAIN_CATALOGUE } from '@acme/jobs';
import { loadConfig, requireExternalServices } from '@acme/runtime/config';
import { createLogger } from '@acme/runtime/logger';
import { startWorker, type RunningWorker } from '../src/worker.ts';

let database: TestDatabase;
let worker: RunningWorker;
beforeAll(async () => {
  database = await createTestDatabase();
  const config = requireExternalServices(
    loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: uniqueRedisPrefix(),
      LOG_LEVEL: 'silent',
      WORKER_CONCURRENCY: '2',
    }),
    'test worker',
  );
  worker = await startWorker(config, createLogger({ level: 'silent', name: 'test' }));
});
afterAll(async () => {
  await worker.stop();
  await database.drop();
});

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('worker', () => {
  it('runs catalogue maintenance: folds counters, merges pending lists, restores dropped indexes', async () => {
    const { sql } = database;
    for (let i = 0; i < 5; i++) {
      await sql`insert into products (sku, name, description)
        select 'W' || ${i} || '-' || g, 'name ' || g, 'a fairly long description ' || g
        from generate_series(1, 200) g`;
    }
    await sql`create extension if not exists pageinspect`;
    const pendingPages = async () => {
      const [row] = await sql<{ pages: number }[]>`
        select (gin_metapage_info(get_raw_page('products_description_trgm', 0))).n_pending_pages::int as pages`;
      return row!.pages;
    };
    expect(await pendingPages()).toBeGreaterThan(0);
    await enqueueJob(sql, MAINTAIN_CATALOGUE, {}, { jobKey: 'maintain-under-test' });
    const rows = await waitFor(
      () => sql<{ n: number; total: number }[]>`
        select count(*)::int as n, coalesce(sum(total), 0)::int as total from product_count_deltas`,
      ([row]) => row!.n === 1,
    );
    expect(rows[0]!.total).toBe(1000);
    expect(await pendingPages()).toBe(0);

    await dropSearchIndexes(sql);
    await enqueueJob(sql, MAINTAIN_CATALOGUE, {});
    await waitFor(
      () => sql<{ n: number }[]>`
        select count(*)::int as n from pg_indexes where indexname in ${sql(Object.keys(SEARCH_INDEXES))}`,
      ([row]) => row!.n === Object.keys(SEARCH_INDEXES).length,
    );
    const [jobs] = await sql<{ n: number }[]>`
      select count(*)::int as n from graphile_worker.jobs where key = 'maintain-under-test'`;
    expect(jobs!.n).toBe(0);
  });
});
