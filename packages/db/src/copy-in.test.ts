import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from './client.ts';
import { copyIn } from './copy-in.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.sql`create table copy_target (id int primary key, label text not null)`;
});
afterAll(() => database?.drop());

const lines = (rows: string[]) => Readable.from(rows.map((row) => Buffer.from(row + '\n')));

const count = async () => {
  const [row] = await database.sql<{ n: number }[]>`select count(*)::int as n from copy_target`;
  return row?.n;
};

describe('copyIn', () => {
  it('streams rows into the table inside the transaction', async () => {
    await transaction(database.sql, async ({ sql }) => {
      await copyIn(sql, sql`copy copy_target (id, label) from stdin`, lines(['1\tone', '2\ttwo']));
    });
    expect(await count()).toBe(2);
  });

  it('fails, and rolls back, when the server rejects the last rows after the data ended', async () => {
    // The duplicate key is only found once the server processes the final row, after CopyDone:
    // the case where postgres.js alone never settles (porsager/postgres#1173).
    const attempt = transaction(database.sql, async ({ sql }) => {
      await sql`insert into copy_target values (10, 'before')`;
      await copyIn(sql, sql`copy copy_target (id, label) from stdin`, lines(['11\ta', '1\tdup']));
    });
    await expect(attempt).rejects.toThrow('COPY FROM STDIN failed; the transaction is aborted');
    expect(await count()).toBe(2);
    // The pool's connections are all usable: nothing is left in an aborted transaction.
    const [idle] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state = 'idle in transaction (aborted)'`;
    expect(idle?.n).toBe(0);
  });

  it('fails with the source error when the data stops half-way', async () => {
    const broken = new Readable({ read() {} });
    broken.push(Buffer.from('20\tfine\n'));
    setTimeout(() => broken.destroy(new Error('client went away')), 50);
    const attempt = transaction(database.sql, async ({ sql }) => {
      await copyIn(sql, sql`copy copy_target (id, label) from stdin`, broken);
    });
    await expect(attempt).rejects.toThrow('client went away');
    expect(await count()).toBe(2);
    expect(await database.sql`select 1 as ok`).toEqual([{ ok: 1 }]);
  });
});
