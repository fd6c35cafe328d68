import { afterAll, beforeAll, expect, test } from 'vitest';
import postgres from 'postgres';
import { createTestDatabase, type TestDatabase } from './testing.ts';

// postgres.js 3.4.9 crashed the process (an uncaught TypeError from a setImmediate, "Cannot read
// properties of null (reading 'write')") when a query ran on a reserved or transaction
// connection whose backend had been terminated: e.g. the ROLLBACK of a transaction whose COPY
// connection PostgreSQL killed. patches/postgres@3.4.9.patch makes such a query reject instead.

let database: TestDatabase;
let killer: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase();
  killer = postgres(database.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await killer?.end();
  await database?.drop();
});

async function terminate(pid: number): Promise<void> {
  await killer`select pg_terminate_backend(${pid})`;
}

/** The pool answers again (the first query after a loss may still see the old session's error). */
async function poolAnswers(): Promise<void> {
  await expect
    .poll(
      () =>
        database.sql<[{ ok: number }]>`select 1 as ok`.then(
          ([row]) => row.ok,
          () => 0,
        ),
      { timeout: 5_000 },
    )
    .toBe(1);
}

test('queries on a reserved connection whose backend was terminated reject; the pool goes on', async () => {
  const reserved = await database.sql.reserve();
  const [{ pid }] = await reserved<[{ pid: number }]>`select pg_backend_pid() as pid`;
  await terminate(pid);

  await expect(reserved`select 1`).rejects.toThrow();
  await expect(reserved`select 2`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  reserved.release();
  await poolAnswers();
  const again = await database.sql.reserve();
  const [row] = await again<[{ ok: number }]>`select 1 as ok`;
  expect(row.ok).toBe(1);
  again.release();
});

test('a transaction whose connection dies mid-way rejects (its rollback too), never hangs', async () => {
  const outcome = database.sql.begin(async (tx) => {
    const [{ pid }] = await tx<[{ pid: number }]>`select pg_backend_pid() as pid`;
    await terminate(pid);
    await tx`select 1`.catch(() => undefined);
    await tx`select 2`;
  });
  await expect(outcome).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  await poolAnswers();
});
