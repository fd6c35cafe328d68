import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CatalogueStateReader,
  readCatalogueState,
  type CatalogueState,
} from './catalogue-state.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('CatalogueStateReader', () => {
  it('shares reads between concurrent callers and still shows a committed write', async () => {
    const reader = new CatalogueStateReader(database.sql);
    const before = await reader.read();
    const together = await Promise.all(Array.from({ length: 20 }, () => reader.read()));
    // One read under way and one waiting behind it, at most.
    expect(new Set(together).size).toBeLessThanOrEqual(2);
    await database.sql`insert into products (sku, name) values ('READ-1', 'a')`;
    expect(await reader.read()).toEqual({
      version: before.version + 1,
      total: before.total + 1,
      active: before.active + 1,
    });
  });

  it('never hands a caller a read that started before it asked', async () => {
    // Reads that finish only when told to, numbered in the order they started.
    const started: ((state: CatalogueState) => void)[] = [];
    const reader = new CatalogueStateReader(
      database.sql,
      () => new Promise<CatalogueState>((resolve) => started.push(resolve)),
    );
    const state = (version: number) => ({ version, total: 0, active: 0 });
    const first = reader.read();
    expect(started).toHaveLength(1);
    // Arriving while read 1 runs: both wait for read 2, which starts when read 1 is done.
    const second = reader.read();
    const third = reader.read();
    expect(started).toHaveLength(1);
    started[0]!(state(1));
    expect(await first).toEqual(state(1));
    await expect.poll(() => started.length).toBe(2);
    // Arriving while read 2 runs: not read 2, read 3.
    const fourth = reader.read();
    started[1]!(state(2));
    expect(await second).toEqual(state(2));
    expect(await third).toEqual(state(2));
    await expect.poll(() => started.length).toBe(3);
    started[2]!(state(3));
    expect(await fourth).toEqual(state(3));
  });

  it('passes a failed read on to its callers and recovers with the next one', async () => {
    let fail = true;
    const reader = new CatalogueStateReader(database.sql, (sql) =>
      fail ? Promise.reject(new Error('connection lost')) : readCatalogueState(sql),
    );
    await expect(reader.read()).rejects.toThrow('connection lost');
    fail = false;
    expect(await reader.read()).toEqual(await readCatalogueState(database.sql));
  });
});
