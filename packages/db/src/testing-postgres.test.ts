import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireTestPostgres } from './testing-postgres.ts';

/** A loopback port nothing listens on (a fresh machine's 5432). */
async function silentPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the PostgreSQL for `pnpm test`', () => {
  const saved = process.env['TEST_DATABASE_ADMIN_URL'];
  beforeEach(() => {
    delete process.env['TEST_DATABASE_ADMIN_URL'];
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['TEST_DATABASE_ADMIN_URL'];
    else process.env['TEST_DATABASE_ADMIN_URL'] = saved;
  });

  it('starts an embedded one when nothing answers at the default address, and removes it after', async () => {
    const defaultUrl = `postgres://postgres@127.0.0.1:${await silentPort()}/postgres`;
    const release = await acquireTestPostgres({ defaultUrl });
    const second = await acquireTestPostgres({ defaultUrl }); // another project: the same cluster
    const adminUrl = process.env['TEST_DATABASE_ADMIN_URL'];
    expect(adminUrl).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    expect(adminUrl).not.toBe(defaultUrl);
    const sql = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    let dataDir: string;
    try {
      // What the migrations need (pg_trgm is in contrib), and where the cluster keeps its files.
      const [row] = await sql<{ trgm: string; dir: string }[]>`
        select (select count(*) from pg_available_extensions where name = 'pg_trgm')::text as trgm,
               current_setting('data_directory') as dir`;
      expect(row!.trgm).toBe('1');
      dataDir = row!.dir;
    } finally {
      await sql.end();
    }
    await second();
    expect(existsSync(dataDir)).toBe(true); // one user left
    await release();
    expect(existsSync(path.dirname(dataDir))).toBe(false);
  }, 60_000);

  it('refuses, in one sentence, a TEST_DATABASE_ADMIN_URL where nothing answers', async () => {
    const url = `postgres://postgres:secret@127.0.0.1:${await silentPort()}/postgres`;
    process.env['TEST_DATABASE_ADMIN_URL'] = url;
    await expect(acquireTestPostgres()).rejects.toThrow(
      /^No PostgreSQL answers at TEST_DATABASE_ADMIN_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\): start it, or unset TEST_DATABASE_ADMIN_URL/,
    );
  });
});
