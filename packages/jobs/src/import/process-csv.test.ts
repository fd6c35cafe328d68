import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { SEARCH_INDEXES } from '@acme/db';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { TEST_REDIS_URL } from '@acme/realtime/testing';
import { importChannel, ZImport, type TImport } from '@acme/shared';
import {
  errorsOf,
  importFile,
  type InProcessWorker,
  productsBySku,
  readImport,
  sampleCsv,
  sampleDistinctSkus,
  startInProcessWorker,
  storeFile,
  waitForFinal,
  useTestDatabase,
} from '@acme/testing';

const database = useTestDatabase();
let worker: InProcessWorker;
/** When each catalogue:maintain job the worker finished had been queued. */
const maintainRuns: Date[] = [];

beforeAll(async () => {
  worker = await startInProcessWorker(database, {
    url: TEST_REDIS_URL,
    prefix: uniqueRedisPrefix(),
  });
  worker.runner.events.on('job:success', ({ job }) => {
    if (job.task_identifier === 'catalogue:maintain') maintainRuns.push(job.created_at);
  });
});
afterAll(async () => {
  await worker?.stop();
});
beforeEach(async () => {
  await database.sql`truncate products`;
});

const MESSY =
  '\uFEFF Name ,SKU,Colour,Description\r\n' +
  'Kettle,KET-1,red,"Boils water, fast"\r\n' +
  '\r\n' +
  '"Toaster ""Pro""",tst-2,blue,"Two slots\r\nand a lever"\r\n' +
  'Crème brûlée torch,CRB-3,,Ünïcödé 🔥\r\n' +
  'Kettle v2,  ket-1 ,red,Boils water faster\r\n' +
  ',no-name,x,missing name\r\n' +
  'Short row,SHORT-1\r\n';

describe('import:process_csv on good and messy files', () => {
  test('BOM, CRLF, quotes, unicode, header case/order, unknown columns, duplicates, invalid rows', async () => {
    const final = await importFile(database, 'messy.csv', MESSY);
    expect(final).toMatchObject({
      status: 'completed',
      error: null,
      rowsProcessed: 7, // = created + updated + unchanged + invalid + duplicates + blank
      bytesProcessed: Buffer.byteLength(MESSY),
      created: 3,
      updated: 0,
      unchanged: 0,
      invalid: 2,
      duplicates: 1,
      blank: 1,
      format: { encoding: 'utf-8', delimiter: ',', compression: null },
      percent: 100,
      warnings: ['Ignored unknown column: Colour'],
      attempts: 1,
    });
    expect(final.finishedAt).toBeInstanceOf(Date);
    expect(await productsBySku(database.sql)).toEqual([
      { sku: 'CRB-3', name: 'Crème brûlée torch', description: 'Ünïcödé 🔥', active: true },
      { sku: 'ket-1', name: 'Kettle v2', description: 'Boils water faster', active: true },
      {
        sku: 'tst-2',
        name: 'Toaster "Pro"',
        description: 'Two slots\r\nand a lever',
        active: true,
      },
    ]);
    expect(await errorsOf(database.sql, final.id)).toEqual([
      { line: 8, sku: 'no-name', message: 'name is required' },
      { line: 9, sku: 'SHORT-1', message: 'expected 4 fields like the header, found 2' },
    ]);
    const [event] = await database.sql<{ data: Record<string, unknown> }[]>`
      select data from events where type = 'import.completed' and data->>'id' = ${final.id}`;
    expect(event?.data).toMatchObject({ filename: 'messy.csv', created: 3, invalid: 2 });
    // The import queued catalogue:maintain, which has run since.
    await vi.waitFor(() =>
      expect(maintainRuns.some((queuedAt) => queuedAt >= final.createdAt)).toBe(true),
    );
    const [chunks] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from import_file_chunks where import_id = ${final.id}`;
    expect(chunks?.n).toBe(0);
  });

  test('Excel "Unicode Text": UTF-16 LE with a BOM, tab-delimited', async () => {
    const text = '\ufeffsku\tname\tdescription\r\nCAF-1\tCafé crème\t"Tab\tinside"\r\n';
    const final = await importFile(database, 'unicode.txt', Buffer.from(text, 'utf16le'));
    expect(final).toMatchObject({
      status: 'completed',
      created: 1,
      format: { encoding: 'utf-16le', delimiter: '\t', compression: null },
    });
    expect(await productsBySku(database.sql)).toEqual([
      { sku: 'CAF-1', name: 'Café crème', description: 'Tab\tinside', active: true },
    ]);
  });

  test('line numbers count LF, CRLF and lone CR inside quotes; empty lines are skipped', async () => {
    const final = await importFile(
      database,
      'lines.csv',
      'sku,name,description\n\n"A-1",a,"x\ny"\r\n"B-2",,"p\r\nq\rr"\n\nC-3,c,"z"\nD-4,,\n',
    );
    expect(final).toMatchObject({ status: 'completed', created: 2, invalid: 2 });
    expect(await errorsOf(database.sql, final.id)).toEqual([
      { line: 5, sku: 'B-2', message: 'name is required' },
      { line: 10, sku: 'D-4', message: 'name is required' },
    ]);
  });

  test('validates limits and active values; a file that is not UTF-8 is read as Windows-1252', async () => {
    const file = Buffer.concat([
      Buffer.from('sku,name,description,active\n'),
      Buffer.from(`${'s'.repeat(256)},long sku,,yes\n`),
      Buffer.from(`ok-1,${'n'.repeat(1001)},,1\n`),
      Buffer.from(`ok-2,Fine,${'d'.repeat(20_001)},Y\n`),
      Buffer.from('ok-3,Fine,,maybe\n'),
      Buffer.from('ok-4,Caf'),
      Buffer.from([0xe9]), // Windows-1252 é: not UTF-8
      Buffer.from(',,no\n'),
      Buffer.from(`ok-5,Max,${'d'.repeat(20_000)},N\n`),
      Buffer.from('ok-6,Six,,\n'),
    ]);
    const final = await importFile(database, 'limits.csv', file);
    expect(final).toMatchObject({
      status: 'completed',
      created: 3,
      invalid: 4,
      format: { encoding: 'windows-1252' },
    });
    const errors = await errorsOf(database.sql, final.id);
    expect(errors.map(({ line, message }) => [line, message])).toEqual([
      [2, 'sku must be at most 255 characters'],
      [3, 'name must be at most 1000 characters'],
      [4, 'description must be at most 20000 characters'],
      [5, 'active must be true/false, 1/0, yes/no or y/n, found "maybe"'],
    ]);
    expect(errors[0]?.sku).toBe('s'.repeat(255 + 1)); // the SKU as given, for the user to find it
    expect(await productsBySku(database.sql)).toMatchObject([
      { sku: 'ok-4', name: 'Café', active: false },
      { sku: 'ok-5', active: false },
      { sku: 'ok-6', active: true }, // empty active cell: a new product is active
    ]);
  });

  test('re-import: updates changed rows, keeps active when the file has no active column, unchanged rows are not rewritten', async () => {
    await importFile(
      database,
      'first.csv',
      'sku,name,description,active\nA-1,Alpha,,no\nB-2,Beta,desc,yes\n',
    );
    const second = await importFile(
      database,
      'second.csv',
      'name,sku,description\nAlpha,a-1,\nBeta v2,B-2,desc\nGamma,C-3,\n',
    );
    expect(second).toMatchObject({ created: 1, updated: 2, unchanged: 0, invalid: 0 });
    expect(await productsBySku(database.sql)).toEqual([
      { sku: 'a-1', name: 'Alpha', description: '', active: false },
      { sku: 'B-2', name: 'Beta v2', description: 'desc', active: true },
      { sku: 'C-3', name: 'Gamma', description: '', active: true },
    ]);
    const before = await database.sql`select id, xmin::text, updated_at from products order by id`;
    const third = await importFile(
      database,
      'second-again.csv',
      'name,sku,description\nAlpha,a-1,\nBeta v2,B-2,desc\nGamma,C-3,\n',
    );
    expect(third).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const after = await database.sql`select id, xmin::text, updated_at from products order by id`;
    expect(after).toEqual(before);
  });

  test('a sample file, then the same file again: all unchanged; progress is published with rising versions', async () => {
    const rows = 30_000;
    const distinct = sampleDistinctSkus({ rows });
    const first = await waitForFinal(
      database,
      await storeFile(database.sql, 's.csv', sampleCsv({ rows })),
    );
    expect(first).toMatchObject({
      status: 'completed',
      rowsProcessed: rows,
      created: distinct,
      invalid: 0,
    });
    // A large write into an empty catalogue drops the list's indexes; catalogue:maintain rebuilds them.
    await waitFor(
      async () => (await validSearchIndexes()) === Object.keys(SEARCH_INDEXES).length,
      60_000,
    );

    const id = await storeFile(database.sql, 's-again.csv', sampleCsv({ rows }));
    const states = collectStates(id);
    const again = await waitForFinal(database, id);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: distinct });
    const published = await states.until((state) => state.status === 'completed');
    const versions = published.map((state) => state.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(published.at(-1)).toMatchObject({ status: 'completed', version: again.version });
    const [count] = await database.sql<{ n: number }[]>`select count(*)::int as n from products`;
    expect(count?.n).toBe(distinct);
  });
});

test('a NUL costs its row only where it would be stored, and never stalls the import', async () => {
  const final = await importFile(
    database,
    'nul.csv',
    // in an ignored column; in the SKU of a row with a broken quote; in a name
    'sku,name,colour\nA-1,ok,re\0d\nB\0-2,"abc"def,x\nC-3,n\0,x\nD-4,ok,x\n',
  );
  expect(final).toMatchObject({ status: 'completed', created: 2, invalid: 2 });
  expect(await errorsOf(database.sql, final.id)).toEqual([
    expect.objectContaining({ line: 3, sku: 'B\uFFFD-2' }),
    expect.objectContaining({
      line: 4,
      sku: 'C-3',
      message: expect.stringMatching(/^name \(column 2\) contains a NUL/) as string,
    }),
  ]);
  expect((await productsBySku(database.sql)).map(({ sku }) => sku)).toEqual(['A-1', 'D-4']);
});

describe('import:process_csv on files it cannot import', () => {
  const before = 'sku,name\nKEEP-1,Kept\n';
  test.each([
    [
      'missing column',
      'sku,colour,Description\nA,b,c\n',
      /no "name" column \(found: "sku", "colour", "Description"\)/,
    ],
    ['missing both', 'id;label\n1;x\n', /no "sku" or "name" column/],
    ['unclosed quote', 'sku,name\nA-1,ok\nB-2,"never closed\nC-3,x\n', /Unclosed quote: .* line 3/],
    ['duplicate column', 'sku,name,SKU\na,b,c\n', /names the column "sku" twice/],
    ['empty file', '', /The file is empty/],
    [
      'NUL in the header',
      'sku,name,co\0lour\nA,b,c\n',
      /header row holds a NUL character .* column 3/,
    ],
    [
      'binary file',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]),
      /zip archive is incomplete or damaged/,
    ],
  ])('%s → failed with a reason, catalogue untouched', async (_case, content, reason) => {
    await importFile(database, 'before.csv', before);
    const final = await importFile(database, 'bad.csv', content);
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(reason);
    expect(await productsBySku(database.sql)).toEqual([
      { sku: 'KEEP-1', name: 'Kept', description: '', active: true },
    ]);
    expect(await errorsOf(database.sql, final.id)).toEqual([]);
    const [event] = await database.sql<{ data: Record<string, unknown> }[]>`
      select data from events where type = 'import.failed' and data->>'id' = ${final.id}`;
    expect(event?.data).toMatchObject({ filename: 'bad.csv', error: final.error });
  });
});

describe('import:process_csv while it runs', () => {
  test('cancel: ends cancelled, the catalogue untouched', async () => {
    await importFile(database, 'before.csv', 'sku,name\nKEEP-1,Kept\n');
    const id = await storeFile(database.sql, 'big.csv', sampleCsv({ rows: 150_000 }));
    await waitFor(async () => (await readImport(database.db, id)).status === 'parsing');
    await database.sql`update imports set cancel_requested = true where id = ${id}`;
    const final = await waitForFinal(database, id);
    expect(final.status).toBe('cancelled');
    expect(final.finishedAt).toBeInstanceOf(Date);
    expect(await productsBySku(database.sql)).toEqual([
      { sku: 'KEEP-1', name: 'Kept', description: '', active: true },
    ]);
  });

  test('a second import waits for the first: they never interleave', async () => {
    const first = await storeFile(database.sql, 'one.csv', sampleCsv({ rows: 40_000, seed: 1 }));
    const second = await storeFile(database.sql, 'two.csv', sampleCsv({ rows: 40_000, seed: 2 }));
    const [a, b] = await Promise.all([
      waitForFinal(database, first),
      waitForFinal(database, second),
    ]);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    const [earlier, later] = [a, b].sort((x, y) => x.startedAt!.getTime() - y.startedAt!.getTime());
    expect(later!.startedAt!.getTime()).toBeGreaterThanOrEqual(earlier!.finishedAt!.getTime());
  });
});

async function validSearchIndexes(): Promise<number> {
  const [row] = await database.sql<{ n: number }[]>`
    select count(*)::int as n from pg_index i join pg_class c on c.oid = i.indexrelid
    where c.relname in ${database.sql(Object.keys(SEARCH_INDEXES))} and i.indisvalid`;
  return row?.n ?? 0;
}

/** Waits (polling, with a deadline) until `check` holds. */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error('condition not met in time');
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Everything the worker publishes for an import, from now on. */
function collectStates(id: string) {
  const controller = new AbortController();
  const states: TImport[] = [];
  const done = (async () => {
    for await (const message of worker.bus.subscribe(importChannel(id), controller.signal)) {
      states.push(ZImport.parse(revive(message)));
    }
  })();
  return {
    async until(predicate: (state: TImport) => boolean, timeoutMs = 10_000): Promise<TImport[]> {
      await waitFor(() => Promise.resolve(states.some(predicate)), timeoutMs);
      controller.abort();
      await done;
      return states;
    },
  };
}

/** Bus messages are JSON: dates arrive as ISO strings. */
function revive(message: unknown): unknown {
  const record = message as Record<string, unknown>;
  const dates = ['createdAt', 'startedAt', 'finishedAt', 'revertibleUntil', 'revertedAt'] as const;
  return {
    ...record,
    ...Object.fromEntries(
      dates.map((key) => [
        key,
        typeof record[key] === 'string' ? new Date(record[key]) : record[key],
      ]),
    ),
  };
}
