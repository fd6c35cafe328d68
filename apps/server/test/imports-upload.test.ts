import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, eventually, startTestServer, type TestServer } from '@acme/testing';
import { startRawUpload, storedRows, upload } from './helpers.ts';

const MiB = 1024 * 1024;
const LIMIT = 3 * MiB;

/** A CSV of about `bytes` bytes (whole lines). */
function csvOf(bytes: number): string {
  const lines = ['sku,name,description,active'];
  let size = lines[0]!.length + 1;
  for (let i = 0; size < bytes; i++) {
    const line = `SKU-${i},"Product ${i}, grey","A ""quoted"" text",true`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ MAX_UPLOAD_BYTES: String(LIMIT) });
});
afterAll(() => t?.close());

/** Whether the server is inside an upload transaction that has written something. */
async function uploadTransactionsOpen(): Promise<number> {
  const [row] = await t.sql<{ open: number }[]>`
    select count(*)::int as open from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null`;
  return row?.open ?? 0;
}

describe('POST /api/imports', () => {
  it('stores the file in ~1 MiB chunks, queues the import and enqueues its job', async () => {
    const csv = csvOf(2.5 * MiB);
    const { status, body } = await upload(t.url, csv, { filename: 'spring-catalogue.csv' });
    expect(status).toBe(202);
    expect(body.importId).toMatch(/^[0-9a-f-]{36}$/);
    const id = body.importId!;

    const chunks = await t.sql<{ seq: number; size: number }[]>`
      select seq, length(data) as size from import_file_chunks where import_id = ${id} order by seq`;
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(chunks[0]!.size).toBe(MiB);
    const [file] = await t.sql<{ data: Buffer }[]>`
      select string_agg(data, ''::bytea order by seq) as data
      from import_file_chunks where import_id = ${id}`;
    expect(sha256(file!.data)).toBe(sha256(csv));
    const [compression] = await t.sql<{ method: string }[]>`
      select pg_column_compression(data) as method from import_file_chunks
      where import_id = ${id} and seq = 0`;
    expect(compression?.method).toBe('lz4');

    const state = await t.api.imports.byId.query({ id });
    expect(state).toMatchObject({
      id,
      filename: 'spring-catalogue.csv',
      status: 'queued',
      bytesTotal: Buffer.byteLength(csv),
      version: 0,
    });
    const jobs = await t.sql`
      select task_identifier, queue_name, key from graphile_worker.jobs where key = ${'import:' + id}`;
    expect(jobs).toEqual([
      { task_identifier: 'import:process_csv', queue_name: 'imports', key: `import:${id}` },
    ]);
  });

  it('accepts a CSV sent as application/vnd.ms-excel or with a .txt name, and .xlsx workbooks', async () => {
    const excelType = await upload(t.url, 'sku,name\nA,B\n', {
      filename: 'export',
      type: 'application/vnd.ms-excel',
    });
    expect(excelType.status).toBe(202);
    const txt = await upload(t.url, 'sku,name\nA,B\n', {
      filename: 'export.txt',
      type: 'application/octet-stream',
    });
    expect(txt.status).toBe(202);
    // A gzip stream whose content cannot be told yet gets past the type check: the worker's
    // decompressor judges it (this one is truncated, which the import will say).
    const gzip = await upload(t.url, Buffer.from([0x1f, 0x8b, 0x08, 0x00]), {
      filename: 'export.csv.gz',
      type: 'application/gzip',
    });
    expect(gzip.status).toBe(202);
    // An Excel workbook, by its media type or its name (even one that says .csv).
    const workbook = corpusFile('excel-cells.xlsx');
    for (const [filename, type] of [
      ['Products.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['products.xlsx', 'application/octet-stream'],
      ['products.csv', 'text/csv'],
    ])
      expect((await upload(t.url, workbook, { filename, type })).status).toBe(202);
  });

  it('refuses the spreadsheet formats it does not read, saying to save as .xlsx or CSV, and takes .xlsm', async () => {
    const before = await storedRows(t);
    // LibreOffice's .ods by its name and type, and by its content under another name
    const ods = corpusFile('libreoffice-multi-sheet.ods');
    expect(
      await upload(t.url, ods, {
        filename: 'Preisliste.ods',
        type: 'application/vnd.oasis.opendocument.spreadsheet',
      }),
    ).toEqual({
      status: 400,
      body: {
        code: 'BAD_REQUEST',
        message:
          '"Preisliste.ods" is an OpenDocument spreadsheet (.ods), which the import does not read; save it as an Excel workbook (.xlsx) or as "CSV UTF-8" and upload that file.',
      },
    });
    expect(
      (await upload(t.url, ods, { filename: 'Preisliste.csv', type: 'text/csv' })).body.message,
    ).toBe(
      'This looks like an OpenDocument spreadsheet (.ods), which the import does not read; save it as an Excel workbook (.xlsx) or as "CSV UTF-8" and upload that file',
    );
    // LibreOffice's .xls, sent with the type browsers give it
    expect(
      (
        await upload(t.url, corpusFile('libreoffice-multi-sheet.xls'), {
          filename: 'Preisliste.xls',
          type: 'application/vnd.ms-excel',
        })
      ).body.message,
    ).toBe(
      'This looks like an Excel 97-2003 (.xls) file, which the import does not read; save it as an Excel workbook (.xlsx) or as "CSV UTF-8" and upload that file',
    );
    expect(await storedRows(t)).toEqual(before);
    // a macro-enabled workbook is an .xlsx with macros: read like one
    const xlsm = await upload(t.url, corpusFile('libreoffice-multi-sheet.xlsm'), {
      filename: 'Preisliste.xlsm',
      type: 'application/vnd.ms-excel.sheet.macroEnabled.12',
    });
    expect(xlsm.status).toBe(202);
  });

  it('takes a zip archive of one CSV file or workbook; refuses one it could not import, by its directory', async () => {
    const before = await storedRows(t);
    // as Windows sends a .zip, and as macOS Finder zips a folder
    for (const [file, filename, type] of [
      ['zip-shopify-export.zip', 'products_export_1.zip', 'application/x-zip-compressed'],
      ['macos-finder-folder.zip', 'Preisliste Herbst.zip', 'application/zip'],
    ] as const)
      expect((await upload(t.url, corpusFile(file), { filename, type })).status).toBe(202);
    const stored = await storedRows(t);
    expect(stored?.imports).toBe((before?.imports ?? 0) + 2);
    for (const [file, message] of [
      [
        'zip-two-csv.zip',
        /^The zip archive holds 2 files to import \("products-2026-10.csv", "products-2026-11.csv"\)/,
      ],
      ['zip-encrypted.zip', /^"products.csv" in the zip archive is encrypted/],
      ['zip-truncated.zip', /^The zip archive is incomplete or damaged/],
    ] as const) {
      const refused = await upload(t.url, corpusFile(file), {
        filename: file,
        type: 'application/zip',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('BAD_REQUEST');
      expect(refused.body.message).toMatch(message);
    }
    expect(await storedRows(t)).toEqual(stored);
  });

  it('stores a part with filename="" as upload.csv, whatever its type', async () => {
    // busboy alone would take such a part for a plain form field unless it is octet-stream.
    for (const type of ['text/csv', 'text/plain', 'application/vnd.ms-excel']) {
      const raw = startRawUpload(t.url, { filename: '', type });
      const csv = 'sku,name\nNONAME-1,No name\n';
      await raw.write(csv);
      const { status, body } = await raw.finish();
      expect(status).toBe(202);
      const state = await t.api.imports.byId.query({ id: body.importId! });
      expect(state).toMatchObject({ filename: 'upload.csv', bytesTotal: csv.length });
    }
  });

  it('answers 400 without a file, with an empty file, or with the file in another field', async () => {
    const before = await storedRows(t);
    const noBody = await fetch(`${t.url}/api/imports`, { method: 'POST' });
    expect(noBody.status).toBe(400);
    expect(((await noBody.json()) as { message: string }).message).toMatch(/field named "file"/);

    const onlyFields = new FormData();
    onlyFields.append('note', 'no file here');
    const fieldsOnly = await fetch(`${t.url}/api/imports`, { method: 'POST', body: onlyFields });
    expect(fieldsOnly.status).toBe(400);

    const empty = await upload(t.url, '');
    expect(empty).toEqual({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'The file is empty' },
    });

    const wrongField = await upload(t.url, 'sku,name\nA,B\n', { field: 'upload' });
    expect(wrongField.status).toBe(400);
    expect(await storedRows(t)).toEqual(before);
  });

  it('answers 400 for files that are not CSV, by name or by content', async () => {
    const before = await storedRows(t);
    const png = await upload(t.url, 'sku,name\n', { filename: 'photo.png', type: 'image/png' });
    expect(png.status).toBe(400);
    expect(png.body.code).toBe('BAD_REQUEST');
    expect(png.body.message).toMatch(/"photo.png" \(image\/png\) is not a CSV file/);

    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('data.csv')]);
    expect((await upload(t.url, zip)).body.message).toMatch(/zip archive is incomplete or damaged/);
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect((await upload(t.url, xls)).body.message).toMatch(/Excel 97-2003/);
    expect((await upload(t.url, '%PDF-1.7\n...')).body.message).toMatch(/PDF/);
    // A stray control character in a cell costs its row in the worker; many of them are binary.
    const binary = Buffer.concat([
      Buffer.from('sku,name\n'),
      Buffer.from(Array.from({ length: 200 }, (_, i) => i % 32)),
    ]);
    const binaryAnswer = await upload(t.url, binary);
    expect(binaryAnswer).toEqual({
      status: 400,
      body: {
        code: 'BAD_REQUEST',
        message:
          'This looks like a binary file, not CSV text; save it as "CSV UTF-8" and upload that file',
      },
    });
    expect(await storedRows(t)).toEqual(before);
  });

  it('refuses a large non-CSV file while it is still arriving, and keeps serving', async () => {
    const raw = startRawUpload(t.url, { filename: 'holiday.png', type: 'image/png' });
    let answered = false;
    void raw.response.then(() => (answered = true));
    const piece = Buffer.alloc(256 * 1024, 1);
    for (let sent = 0; !answered && sent < 2 * LIMIT; sent += piece.length) await raw.write(piece);
    expect((await raw.response).status).toBe(400);
    raw.abort();
    expect((await upload(t.url, 'sku,name\nA,B\n')).status).toBe(202);
  });

  it('answers 413 when the declared size is over MAX_UPLOAD_BYTES, storing nothing', async () => {
    const before = await storedRows(t);
    const { status, body } = await upload(t.url, csvOf(LIMIT + 200 * 1024));
    expect(status).toBe(413);
    expect(body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.message).toBe(
      'The file is larger than the limit of 3 MiB; split it into smaller files',
    );
    expect(await storedRows(t)).toEqual(before);
  });

  it('answers 413 when a streamed file passes the limit, and rolls back what it stored', async () => {
    const before = await storedRows(t);
    const raw = startRawUpload(t.url); // chunked: the server only learns the size as it reads
    const piece = Buffer.from(csvOf(256 * 1024));
    let sent = 0;
    let answered = false;
    void raw.response.then(() => (answered = true));
    while (!answered && sent < LIMIT + MiB) {
      await raw.write(piece);
      sent += piece.length;
    }
    const { status, body } = await raw.response;
    expect(status).toBe(413);
    expect(body.message).toMatch(/larger than the limit of 3 MiB/);
    expect(sent).toBeGreaterThan(LIMIT); // it did get past the limit before the answer
    raw.abort();
    expect(await storedRows(t)).toEqual(before);
  });

  it('leaves nothing behind when the client aborts mid-upload', async () => {
    const before = await storedRows(t);
    const raw = startRawUpload(t.url);
    await raw.write(csvOf(2 * MiB));
    // The server has begun storing: its upload transaction holds written chunks.
    await eventually(async () => ((await uploadTransactionsOpen()) > 0 ? true : undefined));
    raw.abort();
    await eventually(async () => ((await uploadTransactionsOpen()) === 0 ? true : undefined));
    expect(await storedRows(t)).toEqual(before);
    // The server still serves uploads afterwards (no connection of its pool leaked).
    expect((await upload(t.url, 'sku,name\nA,B\n')).status).toBe(202);
  });

  it('answers 500 when the database fails mid-upload, and stores nothing', async () => {
    // A database failure during the upload transaction: the chunks cannot be written.
    await t.sql`
      create function refuse_chunks() returns trigger language plpgsql as $$
      begin raise exception 'disk full'; end $$`;
    await t.sql`
      create trigger refuse_chunks before insert on import_file_chunks
      for each row execute function refuse_chunks()`;
    try {
      const before = await storedRows(t);
      const { status, body } = await upload(t.url, csvOf(1.5 * MiB));
      expect(status).toBe(500);
      // The database's words stay in the log; the client gets the id that finds them there.
      expect(body.requestId).toMatch(/\S/);
      expect(body).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        message: `Internal server error (request id ${body.requestId})`,
        requestId: body.requestId,
      });
      expect(await storedRows(t)).toEqual(before);
    } finally {
      await t.sql`drop trigger refuse_chunks on import_file_chunks`;
      await t.sql`drop function refuse_chunks`;
    }
    expect((await upload(t.url, 'sku,name\nA,B\n')).status).toBe(202);
  });

  it('answers 405 to other methods', async () => {
    const res = await fetch(`${t.url}/api/imports`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
