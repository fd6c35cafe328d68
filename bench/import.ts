// pnpm bench:import [--rows 500000] [--skip-floor] [--skip-reimport-floor] [--skip-back-to-back]
//                   [--skip-review] [--zip] [--port 3210] [--database acme_bench_import]
//
// The CSV import end to end on this machine, against its floor:
// - generates a realistic CSV (names, word-word-word SKUs, 1-3 sentence descriptions, quoted
//   fields with commas and quotes, ~3 % of SKUs repeated later in another letter case);
// - starts the real server and worker processes on a fresh benchmark database, uploads the file
//   through POST /api/imports (or, where that route is absent, stores it the way the route does)
//   and times upload → completed, into an empty catalogue and then again with the same file;
// - measures the floor on the same database: raw COPY of the file into an unindexed staging
//   table + one set-based INSERT … SELECT DISTINCT ON … ON CONFLICT DO UPDATE into a copy of
//   products, with the indexes the import writes under (fresh: the unique SKU index, since large
//   imports drop the list's indexes and rebuild them after commit; re-import: all of them);
// - back to back: a re-import uploaded the moment the fresh import completes (while the list's
//   indexes rebuild), and a large import right after a small one that dropped the indexes;
// - review: the same file uploaded with review=true, upload → waiting for review (goal: no longer
//   than the re-import's upload + parse + classify), then imports.confirm → completed;
// - prints seconds, rows/s and the phases of each import (upload, parse+stage, classify, write,
//   index rebuild), the ratio to the floor, the peak RSS of the worker, the server's RSS growth,
//   and whether the import's own tables and stored file were freed.
// --zip uploads the CSV zipped (Info-ZIP `zip -j`, which must be on PATH) instead: the worker then
// reads the stored archive by range and inflates its member (the floor still reads the CSV).
import { createReadStream, createWriteStream, openAsBlob, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createApiClient } from '@acme/api/client';
import { SEARCH_INDEXES } from '@acme/db';
import { migrateDatabase } from '@acme/db/migrate';
import { storeUpload } from '@acme/jobs/import-upload';
import { sampleCsv } from '@acme/testing/samples';
import { memoryMb, startApp, stopApp } from './lib/processes.ts';
import { catalogueSettled } from './lib/settled.ts';
import { fmtS, timeIt } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    'skip-floor': { type: 'boolean', default: false },
    /** Only the fresh floor: the re-import's (a blind upsert through every index) takes minutes. */
    'skip-reimport-floor': { type: 'boolean', default: false },
    'skip-back-to-back': { type: 'boolean', default: false },
    'skip-review': { type: 'boolean', default: false },
    zip: { type: 'boolean', default: false },
    port: { type: 'string', default: '3210' },
    /** The benchmark's database (dropped and created): another name lets two runs share a server. */
    database: { type: 'string', default: 'acme_bench_import' },
    /** IMPORT_UNDO_DAYS of the worker: 0 measures the import without its undo journal. */
    'undo-days': { type: 'string', default: '7' },
    'admin-url': {
      type: 'string',
      default: process.env['BENCH_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const ROWS = Number(args.rows);
const DB_NAME = args.database;
const RATIO_GOAL = 1.2;
const UNCHANGED_GOAL = 0.6; // an unchanged re-import, against the fresh import's own time
const SERVER_GROWTH_GOAL_MB = 64;
const WORKER_RSS_GOAL_MB = 256;
const adminUrl = new URL(args['admin-url']);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${DB_NAME}`;

console.log(
  `bench:import — ${ROWS.toLocaleString('en')} rows, ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}, ${new Date().toISOString()}, IMPORT_UNDO_DAYS=${args['undo-days']}` +
    (args['undo-days'] === '0' ? ' (no undo journal)' : ''),
);

// --- the file ------------------------------------------------------------------------------------
const file = path.join(os.tmpdir(), `${DB_NAME}-${ROWS}.csv`); // one per database: runs may overlap
const generated = await timeIt(() =>
  pipeline(Readable.from(sampleCsv({ rows: ROWS })), createWriteStream(file)),
);
const bytes = statSync(file).size;
console.log(
  `file: ${file}, ${(bytes / 1024 ** 2).toFixed(1)} MiB, generated in ${fmtS(generated)}`,
);
/** What is uploaded: the CSV, or with --zip the CSV zipped. */
const uploaded = args.zip ? `${file}.zip` : file;
if (args.zip) {
  rmSync(uploaded, { force: true }); // zip would add to an archive left by an earlier run
  const zipping = await timeIt(() =>
    Promise.resolve(execFileSync('zip', ['-q', '-j', uploaded, file])),
  );
  console.log(
    `uploading it zipped: ${uploaded}, ${(statSync(uploaded).size / 1024 ** 2).toFixed(1)} MiB, zipped in ${fmtS(zipping)}`,
  );
}

// --- a fresh database, the real processes --------------------------------------------------------
const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
await admin.unsafe(`create database ${DB_NAME}`);
await admin.end();
await migrateDatabase(dbUrl.toString());
const sql = postgres(dbUrl.toString(), { max: 4, onnotice: () => {} });
const env = {
  DATABASE_URL: dbUrl.toString(),
  PORT: args.port,
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: `bench-import:${args.port}:`,
  IMPORT_UNDO_DAYS: args['undo-days'],
};
const server = await startApp('apps/server/src/main.ts', env, /listening on/);
/** The worker's "import phases" log lines, by import id. */
const phases = new Map<string, ImportPhases>();
interface ImportPhases {
  parseSeconds: number;
  classifySeconds: number;
  writeSeconds: number;
  searchIndexesDropped: boolean;
}
const worker = await startApp('apps/worker/src/main.ts', env, /worker started/, (line) => {
  if (!line.includes('"import phases"')) return;
  const entry = JSON.parse(line) as ImportPhases & { importId: string };
  phases.set(entry.importId, entry);
});
const baseUrl = `http://127.0.0.1:${args.port}`;
let uploadedOverHttp = true;

/** Upload → completed, as a user sees it. */
async function importThroughApp(label: string, source = uploaded) {
  await sql`checkpoint`;
  const started = performance.now();
  const id = await upload(label, source);
  const uploadMs = performance.now() - started;
  for (;;) {
    const [row] = await sql<
      {
        status: string;
        error: string | null;
        created: number;
        updated: number;
        unchanged: number;
        invalid: number;
        attempts: number;
      }[]
    >`
      select status, error, created, updated, unchanged, invalid, attempts
      from imports where id = ${id}`;
    if (row && ['completed', 'failed', 'cancelled'].includes(row.status)) {
      const ms = performance.now() - started;
      if (row.status !== 'completed') throw new Error(`import ${row.status}: ${row.error}`);
      const { status: _status, error: _error, ...counts } = row;
      return { ms, uploadMs, counts, phases: phases.get(id) };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function upload(label: string, source: string, review = false): Promise<string> {
  if (uploadedOverHttp || review) {
    const form = new FormData();
    const type = source.endsWith('.zip') ? 'application/zip' : 'text/csv';
    form.set('file', await openAsBlob(source, { type }), `${label}${path.extname(source)}`);
    if (review) form.set('review', 'true');
    const response = await fetch(`${baseUrl}/api/imports`, { method: 'POST', body: form });
    if (response.status === 202) return ((await response.json()) as { importId: string }).importId;
    if (response.status !== 404)
      throw new Error(`upload answered ${response.status}: ${await response.text()}`);
    uploadedOverHttp = false;
  }
  // The route is not there (yet): store the file the way it does (chunks + row + job).
  return storeUpload(sql as never, {
    filename: `${label}${path.extname(source)}`,
    file: createReadStream(source, { highWaterMark: 1 << 20 }),
    maxBytes: Number.MAX_SAFE_INTEGER,
    options: () => ({ mapping: null, review: false }),
  });
}

/** Upload with review=true → waiting for review, then imports.confirm → completed. */
async function reviewThroughApp(label: string, source = uploaded) {
  await sql`checkpoint`;
  const started = performance.now();
  const id = await upload(label, source, true);
  const settle = async (wanted: string) => {
    for (;;) {
      const [row] = await sql<{ status: string; error: string | null; preview: unknown }[]>`
        select status, error, preview from imports where id = ${id}`;
      if (row?.status === wanted) return row;
      if (row && ['completed', 'failed', 'cancelled'].includes(row.status))
        throw new Error(`review import ${row.status}: ${row.error}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const { preview } = await settle('review');
  const reviewMs = performance.now() - started;
  const { client, close } = createApiClient({ baseUrl });
  try {
    const confirming = performance.now();
    await client.imports.confirm.mutate({ id });
    await settle('completed');
    const [counts] = await sql<{ created: number; updated: number; unchanged: number }[]>`
      select created, updated, unchanged from imports where id = ${id}`;
    return { reviewMs, confirmMs: performance.now() - confirming, preview, counts };
  } finally {
    close();
  }
}

// --- the floor: raw COPY + one set-based upsert -------------------------------------------------
await sql`create table bench_floor (like products including defaults including identity)`;
await sql`create unique index bench_floor_sku_key on bench_floor (lower(sku))`;
await sql`create unlogged table bench_staging (line bigint generated always as identity, sku text, name text, description text, active text)`;

async function floor(): Promise<number> {
  await sql`truncate bench_staging`;
  await sql`checkpoint`;
  return timeIt(() =>
    sql.begin(async (tx) => {
      const copy =
        await tx`copy bench_staging (sku, name, description, active) from stdin with (format csv, header true)`.writable();
      await pipeline(createReadStream(file), copy);
      await tx`
        insert into bench_floor (sku, name, description, active)
        select distinct on (lower(sku)) sku, name, description, active::boolean
        from bench_staging order by lower(sku), line desc
        on conflict ((lower(sku))) do update
          set sku = excluded.sku, name = excluded.name, description = excluded.description,
              active = excluded.active, updated_at = now()`;
    }),
  );
}

/** A small file of the same shape, for the "large import right after a small one" case. */
async function smallFile(rows: number): Promise<string> {
  const small = path.join(os.tmpdir(), `${DB_NAME}-small-${rows}.csv`);
  await pipeline(Readable.from(sampleCsv({ rows })), createWriteStream(small));
  return small;
}

/** What an import leaves behind that it should not: staging tables, stored file pieces. */
async function leftovers() {
  const [row] = await sql<{ stagingTables: number; fileChunks: number }[]>`
    select
      (select count(*) from pg_class where relname like 'import\_stage\_%')::int as "stagingTables",
      (select count(*) from import_file_chunks)::int as "fileChunks"`;
  return row!;
}

type Run = Awaited<ReturnType<typeof importThroughApp>>;
const rate = (ms: number, rows = ROWS) => Math.round(rows / (ms / 1000)).toLocaleString('en');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
function describe(name: string, run: Run, floorMs?: number) {
  const lines = [
    `${name.padEnd(14)} ${fmtS(run.ms).padStart(9)} ${rate(run.ms).padStart(9)} rows/s` +
      (floorMs === undefined
        ? ''
        : ` | floor ${fmtS(floorMs).padStart(9)} ${rate(floorMs).padStart(9)} rows/s | ratio ${(run.ms / floorMs).toFixed(2)} (goal ≤ ${RATIO_GOAL}) ${verdict(run.ms / floorMs <= RATIO_GOAL)}`),
  ];
  const p = run.phases;
  if (p)
    lines.push(
      `${''.padEnd(14)} phases: upload ${fmtS(run.uploadMs)}, parse+stage ${p.parseSeconds}s (${rate(p.parseSeconds * 1000)} rows/s), classify ${p.classifySeconds}s, write ${p.writeSeconds}s${p.searchIndexesDropped ? ' (list indexes dropped)' : ''}`,
    );
  lines.push(`${''.padEnd(14)} counts ${JSON.stringify(run.counts)}`);
  return lines.join('\n');
}

try {
  // What the processes hold before any import: the start-up baseline the import adds to.
  const idle = { server: memoryMb(server.pid, 'VmRSS'), worker: memoryMb(worker.pid, 'VmRSS') };
  const fresh = await importThroughApp('fresh');
  // Back to back: the same file again the moment the fresh import completed, while the list's
  // indexes it dropped are rebuilding.
  const backToBack = args['skip-back-to-back'] ? undefined : await importThroughApp('back-to-back');
  const rebuild = await catalogueSettled(sql);
  const afterFresh = await leftovers();
  const floorFresh = args['skip-floor'] ? undefined : await floor();
  const reimportFloor = floorFresh !== undefined && !args['skip-reimport-floor'];
  if (reimportFloor)
    for (const create of Object.values(SEARCH_INDEXES))
      await sql.unsafe(
        create
          .replace(/ concurrently/, '')
          .replace(/ (products_\w+) on products /, ' bench_floor_$1 on bench_floor '),
      );
  await sql`vacuum (analyze) products`;
  if (reimportFloor) await sql`vacuum (analyze) bench_floor`;
  const again = await importThroughApp('again');
  await catalogueSettled(sql);
  const review = args['skip-review'] ? undefined : await reviewThroughApp('review');
  if (review) await catalogueSettled(sql);
  const floorAgain = reimportFloor ? await floor() : undefined;

  // A large import right after a small one that dropped the list's indexes (their rebuild is
  // under way when the large one starts writing): empty the catalogue first.
  let afterSmall: Run | undefined;
  if (!args['skip-back-to-back']) {
    await sql`delete from products`;
    await catalogueSettled(sql);
    await importThroughApp('small', await smallFile(20_000));
    afterSmall = await importThroughApp('after-small');
    await catalogueSettled(sql);
  }
  const end = await leftovers();
  const [catalogue] = await sql<{ n: number }[]>`select count(*)::int as n from products`;

  const serverMb = memoryMb(server.pid, 'VmHWM');
  const workerMb = memoryMb(worker.pid, 'VmHWM');
  const serverGrowth = memoryMb(server.pid, 'VmRSS') - idle.server;
  console.log(
    `\nupload: ${uploadedOverHttp ? 'HTTP POST /api/imports' : 'direct (POST /api/imports not in this build): chunks + row + enqueueImport'}`,
  );
  console.log(describe('fresh', fresh, floorFresh));
  console.log(`${''.padEnd(14)} list indexes rebuilt in the background in ${fmtS(rebuild)}`);
  if (backToBack) {
    console.log(describe('back-to-back', backToBack, floorAgain));
    const share = backToBack.ms / fresh.ms;
    console.log(
      `${''.padEnd(14)} unchanged re-import during the rebuild: ${share.toFixed(2)}× the fresh import (goal ≤ ${UNCHANGED_GOAL}) ${verdict(share <= UNCHANGED_GOAL)}`,
    );
  }
  console.log(describe('re-import', again, floorAgain));
  const share = again.ms / fresh.ms;
  console.log(
    `${''.padEnd(14)} unchanged re-import: ${share.toFixed(2)}× the fresh import (goal ≤ ${UNCHANGED_GOAL}) ${verdict(share <= UNCHANGED_GOAL)}`,
  );
  if (review) {
    const p = again.phases;
    const budget = p ? again.uploadMs + (p.parseSeconds + p.classifySeconds) * 1000 : undefined;
    console.log(
      `${'review'.padEnd(14)} ${fmtS(review.reviewMs).padStart(9)} upload → waiting for review, preview ${JSON.stringify(review.preview)}` +
        (budget === undefined
          ? ''
          : ` | the re-import's upload + parse+stage + classify ${fmtS(budget)}: ratio ${(review.reviewMs / budget).toFixed(2)} (goal ≤ 1) ${verdict(review.reviewMs <= budget)}`),
    );
    console.log(
      `${''.padEnd(14)} confirm → completed ${fmtS(review.confirmMs)}, counts ${JSON.stringify(review.counts)}`,
    );
  }
  if (afterSmall) console.log(describe('after a small', afterSmall, floorFresh));
  console.log(
    `peak RSS (VmHWM): worker ${workerMb.toFixed(0)} MB (goal ≤ ${WORKER_RSS_GOAL_MB} MB) ${verdict(workerMb <= WORKER_RSS_GOAL_MB)}, server ${serverMb.toFixed(0)} MB; ` +
      `server RSS growth ${serverGrowth.toFixed(0)} MB (goal ≤ ${SERVER_GROWTH_GOAL_MB} MB) ${verdict(serverGrowth <= SERVER_GROWTH_GOAL_MB)}; ` +
      `RSS before the first import: server ${idle.server.toFixed(0)} MB, worker ${idle.worker.toFixed(0)} MB`,
  );
  const expected = (afterSmall ?? again).counts;
  const exact = catalogue!.n === expected.created + expected.updated + expected.unchanged;
  console.log(
    `catalogue: ${catalogue!.n.toLocaleString('en')} products, as the last import counted: ${verdict(exact)}; attempts: ${[fresh, backToBack, again, afterSmall].map((run) => run?.counts.attempts ?? '-').join(', ')} (each import ran once: ${verdict([fresh, backToBack, again, afterSmall].every((run) => !run || run.counts.attempts === 1))})`,
  );
  const freed = (left: { stagingTables: number; fileChunks: number }) =>
    left.stagingTables === 0 && left.fileChunks === 0;
  console.log(
    `import tables and stored files freed: after the fresh import ${verdict(freed(afterFresh))} ${JSON.stringify(afterFresh)}, at the end ${verdict(freed(end))} ${JSON.stringify(end)}`,
  );
} finally {
  await stopApp(worker);
  await stopApp(server);
  await sql.end();
}
