import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSearchIndexes, SEARCH_INDEXES } from '@acme/db';
import { enqueueJob, MAINTAIN_CATALOGUE } from '@acme/jobs';
import { startTestWorker, type TestWorker, useTestDatabase } from '@acme/testing';

const database = useTestDatabase();
let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker(database, { WORKER_CONCURRENCY: '2' });
});
afterAll(async () => {
  await worker.stop();
});

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
        select (gin_metapage_info(get_raw_page('products_text_trgm', 0))).n_pending_pages::int as pages`;
      return row!.pages;
    };
    expect(await pendingPages()).toBeGreaterThan(0);
    await enqueueJob(sql, MAINTAIN_CATALOGUE, {}, { jobKey: 'maintain-under-test' });
    const deltas = () => sql<{ n: number; total: number }[]>`
      select count(*)::int as n, coalesce(sum(total), 0)::int as total from product_count_deltas`;
    await expect.poll(async () => (await deltas())[0]!.n, { timeout: 15_000 }).toBe(1);
    expect((await deltas())[0]!.total).toBe(1000);
    expect(await pendingPages()).toBe(0);

    await dropSearchIndexes(sql);
    await enqueueJob(sql, MAINTAIN_CATALOGUE, {});
    const searchIndexes = async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_indexes where indexname in ${sql(Object.keys(SEARCH_INDEXES))}`;
      return row!.n;
    };
    await expect.poll(searchIndexes, { timeout: 15_000 }).toBe(Object.keys(SEARCH_INDEXES).length);
    const [jobs] = await sql<{ n: number }[]>`
      select count(*)::int as n from graphile_worker.jobs where key = 'maintain-under-test'`;
    expect(jobs!.n).toBe(0);
  });
});
