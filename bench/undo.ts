// pnpm bench:undo [--rows 500000]
//
// Undo at scale on this machine, through the real server and worker processes on a fresh
// benchmark database:
// - imports N products into an empty catalogue, then a file that changes every one of them;
// - reverts the second import (N products back to their before-image) and compares it with the
//   time that import took (goal: a revert takes at most the time of the import);
// - deletes all N products (goal ≤ 3 s) and restores them (goal ≤ 15 s);
// - reverts the first import (N products deleted again).
// Each step waits for the list indexes to be rebuilt and the queue to be idle before the next.
import { createWriteStream, openAsBlob } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createApiClient } from '@acme/api/client';
import { sampleCsv } from '@acme/testing/samples';
import { DEFAULT_ADMIN_URL, freshBenchDatabase } from './lib/database.ts';
import { startApp, stopApp } from './lib/processes.ts';
import { catalogueSettled } from './lib/settled.ts';
import { fmtS, timeIt } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    port: { type: 'string', default: '3211' },
    'admin-url': {
      type: 'string',
      default: DEFAULT_ADMIN_URL,
    },
  },
});
const ROWS = Number(args.rows);
const DB_NAME = 'acme_bench_undo';
const DELETE_ALL_GOAL_MS = 3_000;
const RESTORE_GOAL_MS = 15_000;

console.log(`bench:undo — ${ROWS.toLocaleString('en')} rows, ${os.cpus().length} cores`);

const dbUrl = await freshBenchDatabase(args['admin-url'], DB_NAME);
const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
const env = {
  DATABASE_URL: dbUrl,
  PORT: args.port,
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: `bench-undo:${args.port}:`,
};
const server = await startApp('apps/server/src/main.ts', env, /listening on/);
const worker = await startApp('apps/worker/src/main.ts', env, /worker started/);
const baseUrl = `http://127.0.0.1:${args.port}`;
const { client, close } = createApiClient({ baseUrl });

const fresh = path.join(os.tmpdir(), `acme-bench-undo-${ROWS}.csv`);
await pipeline(Readable.from(sampleCsv({ rows: ROWS })), createWriteStream(fresh));

/** Upload → completed; returns the import's id and how long it took. */
async function importFile(file: string) {
  await sql`checkpoint`;
  const started = performance.now();
  const form = new FormData();
  form.set('file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const response = await fetch(`${baseUrl}/api/imports`, { method: 'POST', body: form });
  if (response.status !== 202) throw new Error(`upload answered ${response.status}`);
  const { importId } = (await response.json()) as { importId: string };
  for (;;) {
    const state = await client.imports.byId.query({ id: importId });
    if (state.status === 'completed') {
      return {
        id: importId,
        ms: performance.now() - started,
        created: state.created,
        updated: state.updated,
      };
    }
    if (state.status === 'failed' || state.status === 'cancelled')
      throw new Error(`import ${state.status}: ${state.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Times one call after the catalogue has settled, then waits for it to settle again. */
async function step<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  await catalogueSettled(sql);
  await sql`checkpoint`;
  let result!: T;
  const ms = await timeIt(async () => {
    result = await run();
  });
  await catalogueSettled(sql);
  return { ms, result };
}

const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
try {
  const first = await importFile(fresh);
  await catalogueSettled(sql);
  console.log(`import, empty catalogue  ${fmtS(first.ms).padStart(9)}  (${first.created} created)`);

  // A file that changes every product: the catalogue as it is, each name with " v2".
  const changed = path.join(os.tmpdir(), `acme-bench-undo-${ROWS}-changed.csv`);
  const copy = await sql`
    copy (select sku, name || ' v2' as name, description,
            case when active then 'true' else 'false' end as active from products)
    to stdout with (format csv, header true)`.readable();
  await pipeline(copy, createWriteStream(changed));
  const second = await importFile(changed);
  await catalogueSettled(sql);
  console.log(
    `import, every row changed ${fmtS(second.ms).padStart(8)}  (${second.updated} updated)`,
  );

  const revertUpdate = await step(() => client.imports.revert.mutate({ id: second.id }));
  console.log(
    `revert of that import     ${fmtS(revertUpdate.ms).padStart(8)}  ${JSON.stringify(revertUpdate.result)}  goal ≤ its import (${fmtS(second.ms)}) ${verdict(revertUpdate.ms <= second.ms)}`,
  );

  const deleteAll = await step(() => client.products.deleteAll.mutate({ confirm: true }));
  console.log(
    `delete all               ${fmtS(deleteAll.ms).padStart(9)}  (${deleteAll.result.deleted} deleted)  goal ≤ ${fmtS(DELETE_ALL_GOAL_MS)} ${verdict(deleteAll.ms <= DELETE_ALL_GOAL_MS)}`,
  );
  const restore = await step(() =>
    client.products.restore.mutate({ restoreId: deleteAll.result.restoreId! }),
  );
  console.log(
    `restore                  ${fmtS(restore.ms).padStart(9)}  ${JSON.stringify(restore.result)}  goal ≤ ${fmtS(RESTORE_GOAL_MS)} ${verdict(restore.ms <= RESTORE_GOAL_MS)}`,
  );

  const revertFresh = await step(() => client.imports.revert.mutate({ id: first.id }));
  console.log(
    `revert of the first import ${fmtS(revertFresh.ms).padStart(7)}  ${JSON.stringify(revertFresh.result)}  goal ≤ its import (${fmtS(first.ms)}) ${verdict(revertFresh.ms <= first.ms)}`,
  );
} finally {
  close();
  await stopApp(server);
  await stopApp(worker);
  await sql.end();
}
