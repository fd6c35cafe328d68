// pnpm bench:import [--rows 500000]
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
// - prints seconds, rows/s, the ratio to the floor and the peak RSS of server and worker.
import { createReadStream, createWriteStream, openAsBlob, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { SEARCH_INDEXES } from '@acme/db';
import { migrateDatabase } from '@acme/db/migrate';
import { sampleCsv, storeUpload } from '@acme/jobs/import-testing';
import { memoryMb, startApp, stopApp } from './lib/processes.ts';
import { catalogueSettled } from './lib/settled.ts';
import { fmtS, timeIt } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    port: { type: 'string', default: '3210' },
    'admin-url': {
      type: 'string',
      default: process.env['BENCH_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const ROWS = Number(args.rows);
const DB_NAME = 'acme_bench_import';
const RATIO_GOAL = 1.2;
const WORKER_RSS_GOAL_MB = 256;
const adminUrl = new URL(args['admin-url']);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${DB_NAME}`;

console.log(`bench:import — ${ROWS.toLocaleString('en')} rows, ${os.cpus().length} cores`);

// --- the file ------------------------------------------------------------------------------------
const file = path.join(os.tmpdir(), `acme-bench-import-${ROWS}.csv`);
const generated = await timeIt(() =>
  pipeline(Readable.from(sampleCsv({ rows: ROWS })), createWriteStream(file)),
);
const bytes = statSync(file).size;
console.log(
  `file: ${file}, ${(bytes / 1024 ** 2).toFixed(1)} MiB, generated in ${fmtS(generated)}`,
);

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
};
const server = await startApp('apps/server/src/main.ts', env, /listening on/);
const worker = await startApp('apps/worker/src/main.ts', env, /worker started/);
const baseUrl = `http://127.0.0.1:${args.port}`;
let uploadedOverHttp = true;

/** Upload → completed, as a user sees it. */
async function importThroughApp(label: string) {
  await sql`checkpoint`;
  const started = performance.now();
  const id = await upload(label);
  for (;;) {
    const [row] = await sql<
      {
        status: string;
        error: string | null;
        created: number;
        updated: number;
        unchanged: number;
        invalid: number;
      }[]
    >`
      select status, error, created, updated, unchanged, invalid from imports where id = ${id}`;
    if (row && ['completed', 'failed', 'cancelled'].includes(row.status)) {
      const ms = performance.now() - started;
      if (row.status !== 'completed') throw new Error(`import ${row.status}: ${row.error}`);
      return { ms, counts: row };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function upload(label: string): Promise<string> {
  if (uploadedOverHttp) {
    const form = new FormData();
    form.set('file', await openAsBlob(file, { type: 'text/csv' }), `${label}.csv`);
    const response = await fetch(`${baseUrl}/api/imports`, { method: 'POST', body: form });
    if (response.status === 202) return ((await response.json()) as { importId: string }).importId;
    if (response.status !== 404)
      throw new Error(`upload answered ${response.status}: ${await response.text()}`);
    uploadedOverHttp = false;
  }
  // The route is not there (yet): store the file the way it does (chunks + row + job).
  return storeUpload(
    sql as never,
    `${label}.csv`,
    createReadStream(file, { highWaterMark: 1 << 20 }),
  );
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

try {
  // What the processes hold before any import: the start-up baseline the import adds to.
  const idle = { server: memoryMb(server.pid, 'VmRSS'), worker: memoryMb(worker.pid, 'VmRSS') };
  const fresh = await importThroughApp('fresh');
  const rebuild = await catalogueSettled(sql);
  const floorFresh = await floor();
  for (const create of Object.values(SEARCH_INDEXES))
    await sql.unsafe(
      create
        .replace(/ concurrently/, '')
        .replace(/ (products_\w+) on products /, ' bench_floor_$1 on bench_floor '),
    );
  await sql`vacuum (analyze) products`;
  await sql`vacuum (analyze) bench_floor`;
  const again = await importThroughApp('again');
  await catalogueSettled(sql);
  const floorAgain = await floor();

  const serverMb = memoryMb(server.pid, 'VmHWM');
  const workerMb = memoryMb(worker.pid, 'VmHWM');
  const rate = (ms: number) => Math.round(ROWS / (ms / 1000)).toLocaleString('en');
  const line = (name: string, ms: number, floorMs: number) => {
    const ratio = ms / floorMs;
    return `${name.padEnd(10)} ${fmtS(ms).padStart(9)} ${rate(ms).padStart(9)} rows/s | floor ${fmtS(floorMs).padStart(9)} ${rate(floorMs).padStart(9)} rows/s | ratio ${ratio.toFixed(2)} (goal ≤ ${RATIO_GOAL}) ${ratio <= RATIO_GOAL ? 'ok' : 'MISSED'}`;
  };
  console.log(
    `\nupload: ${uploadedOverHttp ? 'HTTP POST /api/imports' : 'direct (POST /api/imports not in this build): chunks + row + enqueueImport'}`,
  );
  console.log(line('fresh', fresh.ms, floorFresh));
  console.log(
    `           counts ${JSON.stringify(fresh.counts)}; list indexes rebuilt in the background in ${fmtS(rebuild)}`,
  );
  console.log(line('re-import', again.ms, floorAgain));
  console.log(`           counts ${JSON.stringify(again.counts)}`);
  console.log(
    `peak RSS (VmHWM): server ${serverMb.toFixed(0)} MB, worker ${workerMb.toFixed(0)} MB (goal ≤ ${WORKER_RSS_GOAL_MB} MB on 1M rows) ${workerMb <= WORKER_RSS_GOAL_MB ? 'ok' : 'MISSED'}; RSS before the first import: server ${idle.server.toFixed(0)} MB, worker ${idle.worker.toFixed(0)} MB`,
  );
} finally {
  await stopApp(worker);
  await stopApp(server);
  await sql.end();
}
