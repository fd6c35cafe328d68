import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '@acme/testing';
import { startRawUpload, storedRows, upload, type RawUpload } from './helpers.ts';

const IDLE_MS = 1_000;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS),
    UPLOAD_MAX_CONCURRENT: '10',
    UPLOAD_MAX_PER_CLIENT: '2',
  });
});
afterAll(() => t.close());

/** Upload transactions open on the server's upload pool (COPY into the chunks table). */
async function uploadTransactionsOpen(): Promise<number> {
  const [row] = await t.sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'
      and query ilike '%import_file_chunks%'`;
  return row!.n;
}

/** An upload that sends one short CSV line every `everyMs`, until stopped. */
function trickle(localAddress: string, everyMs = 200) {
  const raw = startRawUpload(t.url, { localAddress });
  let line = 0;
  void raw.write('sku,name\n');
  const timer = setInterval(() => void raw.write(`T-${localAddress}-${line++},slow\n`), everyMs);
  return {
    raw,
    stop: () => {
      clearInterval(timer);
      raw.abort();
    },
  };
}

describe('uploads from slow, greedy or vanishing clients', () => {
  it('aborts an upload that sends nothing for UPLOAD_IDLE_TIMEOUT_MS, storing nothing', async () => {
    const before = await storedRows(t);
    const raw = startRawUpload(t.url);
    await raw.write('sku,name\nA-1,First\n');
    const started = Date.now();
    const answer = await raw.response; // the client never sends another byte
    expect(answer.status).toBe(408);
    expect(answer.body.code).toBe('TIMEOUT');
    expect(answer.body.message).toMatch(/Nothing arrived for 1 s.*nothing was stored/);
    expect(Date.now() - started).toBeLessThan(IDLE_MS + 5_000);
    raw.abort();
    await eventually(async () => ((await uploadTransactionsOpen()) === 0 ? true : undefined));
    expect(await storedRows(t)).toEqual(before);
  });

  it('gives a normal upload 202 within 10 s while 8 trickling uploads are open', async () => {
    const before = await storedRows(t);
    // Four clients, two trickling uploads each: the most one address may have at once.
    const addresses = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
    const tricklers = addresses.flatMap((address) => [trickle(address), trickle(address)]);
    const extra: RawUpload[] = [];
    try {
      await eventually(
        async () => ((await uploadTransactionsOpen()) >= 8 ? true : undefined),
        10_000,
      );
      // A third one from the same address is refused at once, and told when to come back.
      const third = startRawUpload(t.url, { localAddress: '127.0.0.2' });
      extra.push(third);
      const refused = await third.response;
      expect(refused.status).toBe(429);
      expect(refused.body.message).toMatch(/At most 2 uploads at a time from one address/);

      const started = Date.now();
      const normal = await upload(t.url, 'sku,name\nN-1,Normal\n');
      expect(normal.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(10_000);
      // The trickling ones are still open (not refused, not timed out: they keep sending).
      expect(await uploadTransactionsOpen()).toBeGreaterThanOrEqual(8);
    } finally {
      for (const trickler of tricklers) trickler.stop();
      for (const raw of extra) raw.abort();
    }
    await eventually(async () => ((await uploadTransactionsOpen()) === 0 ? true : undefined));
    // Only the normal upload was stored; the aborted ones rolled back.
    const after = await storedRows(t);
    expect(after!.imports).toBe(before!.imports + 1);
  });

  it('stores nothing when the client disconnects after its last byte but before the commit', async () => {
    // Holds the upload transaction just before its end, so the client can leave meanwhile.
    await t.sql`
      create function hold_upload() returns trigger language plpgsql as $$
      begin perform pg_sleep(1.5); return new; end $$`;
    await t.sql`
      create trigger hold_upload before update of bytes_total on imports
      for each row execute function hold_upload()`;
    try {
      const before = await storedRows(t);
      const raw = startRawUpload(t.url);
      await raw.write('sku,name\nGONE-1,Left early\n');
      void raw.finish();
      await eventually(async () => {
        const [row] = await t.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where query ilike '%bytes_total%'
            and state = 'active' and pid <> pg_backend_pid()`;
        return row!.n > 0 ? true : undefined;
      });
      raw.abort(); // the whole body arrived; the client is gone before the commit
      // The upload's transaction has ended (committed or rolled back).
      await eventually(async () => {
        const [row] = await t.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`;
        return row!.n === 0 ? true : undefined;
      });
      expect(await storedRows(t)).toEqual(before);
    } finally {
      await t.sql`drop trigger hold_upload on imports`;
      await t.sql`drop function hold_upload`;
    }
    expect((await upload(t.url, 'sku,name\nA,B\n')).status).toBe(202);
  });
});
