// pnpm bench:products [--rows 500000] [--samples 100]
//
// Seeds a catalogue and prints what the product list and its indexes cost on this machine:
// 1. the write cost of 500k rows under three index designs: no trigram indexes (the floor);
//    trigram GIN maintained inside the write; ours (drop concurrently, write, rebuild after);
// 2. p50/p95 of `products.list` through the HTTP API for each filter, a combination, page 1 and a
//    deep page, against the goal of p95 <= 50 ms.
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import os from 'node:os';
import postgres from 'postgres';
import { createApiClient } from '@acme/api/client';
import type { RouterInputs } from '@acme/api';
import { dropSearchIndexes, ensureSearchIndexes } from '@acme/db';
import { migrateDatabase } from '@acme/db/migrate';
import { copyLine, productRows } from './lib/catalogue-data.ts';
import { startApp, stopApp } from './lib/processes.ts';
import { fmtMs, fmtS, percentile, timeIt } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    samples: { type: 'string', default: '100' },
    'skip-naive': { type: 'boolean', default: false },
    'admin-url': {
      type: 'string',
      default: process.env['BENCH_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const ROWS = Number(args.rows);
const SAMPLES = Number(args.samples);
const P95_GOAL_MS = 50;
const DB_NAME = 'acme_bench_products';

const adminUrl = new URL(args['admin-url']);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${DB_NAME}`;

console.log(
  `bench:products — ${ROWS.toLocaleString()} rows, ${SAMPLES} samples per query, ${os.cpus().length} cores`,
);

const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
await admin.unsafe(`create database ${DB_NAME}`);
await admin.end();
await migrateDatabase(dbUrl.toString());
const sql = postgres(dbUrl.toString(), { max: 4, onnotice: () => {} });

// --- 1. Source rows (not timed as part of any design) ------------------------------------------
await sql`create unlogged table bench_source (sku text, name text, description text, active boolean)`;
const generated = await timeIt(async () => {
  const copy = await sql`copy bench_source (sku, name, description, active) from stdin`.writable();
  function* lines() {
    let batch = '';
    for (const row of productRows(ROWS)) {
      batch += copyLine(row);
      if (batch.length > 65_536) {
        yield batch;
        batch = '';
      }
    }
    if (batch) yield batch;
  }
  await pipeline(Readable.from(lines()), copy);
});
await sql`vacuum analyze bench_source`;
console.log(`generated ${ROWS.toLocaleString()} source rows in ${fmtS(generated)}\n`);

// --- 2. Write cost of each index design ---------------------------------------------------------
async function cloneProductsTable(name: string, trigram: boolean) {
  await sql.unsafe(`drop table if exists ${name}`);
  await sql.unsafe(`create table ${name} (like products including defaults including identity)`);
  await sql.unsafe(`alter table ${name} add primary key (id)`);
  await sql.unsafe(`create unique index on ${name} (lower(sku))`);
  if (!trigram) return;
  for (const column of ['sku', 'name', 'description']) {
    await sql.unsafe(`create index on ${name} using gin (${column} gin_trgm_ops)`);
  }
}

async function insertAll(table: string): Promise<number> {
  await sql`checkpoint`;
  return timeIt(() =>
    sql.unsafe(
      `insert into ${table} (sku, name, description, active) select sku, name, description, active from bench_source`,
    ),
  );
}

console.log(
  `write cost of ${ROWS.toLocaleString()} rows (one set-based INSERT … SELECT, as an import applies a file):`,
);
await cloneProductsTable('bench_no_trgm', false);
const floor = await insertAll('bench_no_trgm');
await sql`drop table bench_no_trgm`;
console.log(
  `  ${'no trigram indexes (filters would seq-scan)'.padEnd(52)} ${fmtS(floor).padStart(9)} in the import (1.00×)`,
);

if (!args['skip-naive']) {
  await cloneProductsTable('bench_trgm', true);
  const naive = await insertAll('bench_trgm');
  await sql`drop table bench_trgm`;
  console.log(
    `  ${'trigram GIN maintained row by row in the write'.padEnd(52)} ${fmtS(naive).padStart(9)} in the import (${(naive / floor).toFixed(2)}×)`,
  );
}

// Ours, on the real products table (counters and triggers included): drop, write, rebuild after.
const dropped = await timeIt(() => dropSearchIndexes(sql));
const ourWrite = await insertAll('products');
const rebuild = await timeIt(() => ensureSearchIndexes(sql));
console.log(
  `  ${'ours: drop concurrently, write, rebuild after commit'.padEnd(52)} ${fmtS(dropped + ourWrite).padStart(9)} in the import (${((dropped + ourWrite) / floor).toFixed(2)}×) + ${fmtS(rebuild)} concurrent rebuild in the background`,
);
const vacuum = await timeIt(() => sql`vacuum analyze products`);
console.log(`  vacuum analyze afterwards (autovacuum's job in production): ${fmtS(vacuum)}\n`);

// --- 3. products.list latency through the HTTP API ----------------------------------------------
const port = String(3900 + Math.floor(Math.random() * 90));
const server = await startApp(
  'apps/server/src/main.ts',
  {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    PORT: port,
    REDIS_PREFIX: `bench-products:${port}:`,
  },
  /listening on/,
);
const { client, close } = createApiClient({ baseUrl: `http://127.0.0.1:${port}` });

type ListInput = RouterInputs['products']['list'];
const deepPage = Math.max(1, Math.floor((ROWS * 0.8) / 50));
const cases: [string, ListInput][] = [
  ['no filter, page 1', { page: 1, pageSize: 50 }],
  ['sku contains "kettle-1"', { sku: 'kettle-1', pageSize: 50 }],
  ['name contains "walnut"', { name: 'walnut', pageSize: 50 }],
  ['name contains "walnut toaster" (rare)', { name: 'walnut toaster', pageSize: 50 }],
  ['description contains "porcelain"', { description: 'porcelain', pageSize: 50 }],
  ['description contains "zebra" (no match)', { description: 'zebra', pageSize: 50 }],
  ['active = false', { active: false, pageSize: 50 }],
  [
    'name "oak" + description "glass" + active',
    { name: 'oak', description: 'glass', active: true, pageSize: 50 },
  ],
  [
    `deep page ${deepPage} (offset ${((deepPage - 1) * 50).toLocaleString()})`,
    { page: deepPage, pageSize: 50 },
  ],
  ['sorted by name desc, page 1', { sort: { field: 'name', direction: 'desc' }, pageSize: 50 }],
];

console.log(
  `products.list over HTTP, ${SAMPLES} sequential requests each after 10 warm-ups (goal p95 ≤ ${P95_GOAL_MS} ms):`,
);
console.log(
  `  ${'query'.padEnd(46)} ${'total'.padStart(8)} ${'p50'.padStart(9)} ${'p95'.padStart(9)}  goal`,
);
let missed = 0;
for (const [label, input] of cases) {
  for (let i = 0; i < 10; i++) await client.products.list.query(input);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < SAMPLES; i++) {
    times.push(await timeIt(async () => (total = (await client.products.list.query(input)).total)));
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 95);
  const ok = p95 <= P95_GOAL_MS;
  if (!ok) missed++;
  console.log(
    `  ${label.padEnd(46)} ${total.toLocaleString().padStart(8)} ${fmtMs(percentile(times, 50)).padStart(9)} ${fmtMs(p95).padStart(9)}  ${ok ? 'ok' : 'MISSED'}`,
  );
}
console.log(
  `\n${missed === 0 ? 'all queries met' : `${missed} queries missed`} the p95 goal of ${P95_GOAL_MS} ms`,
);

close();
await stopApp(server);
await sql.end();
