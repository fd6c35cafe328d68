// pnpm bench:webhooks [--deliveries 2000] [--waiting 1000] [--slow-ms 2000] [--samples 400]
//
// Starts the server and the worker as processes against a scratch database and prints:
// 1. deliveries per second to a fast local endpoint (rate limit off);
// 2. `products.list` p95 through HTTP while `--waiting` deliveries wait on an endpoint that takes
//    `--slow-ms` to answer, against the same p95 with no deliveries (goal: busy ≤ 1.1 × idle).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createApiClient } from '@acme/api/client';
import { emitEvent } from '@acme/jobs/events';
import { DEFAULT_ADMIN_URL, dropBenchDatabase, freshBenchDatabase } from './lib/database.ts';
import { startApp, stopApp } from './lib/processes.ts';
import { fmtMs, fmtS, percentile } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '2000' },
    waiting: { type: 'string', default: '1000' },
    'slow-ms': { type: 'string', default: '2000' },
    samples: { type: 'string', default: '400' },
    'admin-url': {
      type: 'string',
      default: DEFAULT_ADMIN_URL,
    },
  },
});
const DELIVERIES = Number(args.deliveries);
const WAITING = Number(args.waiting);
const SLOW_MS = Number(args['slow-ms']);
const SAMPLES = Number(args.samples);
const RATIO_GOAL = 1.1;
const DB_NAME = 'acme_bench_webhooks';
const CONCURRENCY = process.env['WEBHOOK_CONCURRENCY'] ?? '16';

console.log(
  `bench:webhooks — ${os.cpus().length} cores, WEBHOOK_CONCURRENCY=${CONCURRENCY} per worker process`,
);

const dbUrl = await freshBenchDatabase(args['admin-url'], DB_NAME);
const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
// A catalogue for the list query to page through.
await sql`insert into products (sku, name, description)
  select 'BENCH-' || g, 'Product ' || g, 'A product used by the webhook benchmark.'
  from generate_series(1, 20000) g`;
await sql`vacuum analyze products`;

/** A local endpoint answering 204 after `delayMs`; counts what it received and holds. */
async function startEndpoint(delayMs: number) {
  const stats = { received: 0, inFlight: 0 };
  const server: Server = createServer((req, res) => {
    stats.received++;
    stats.inFlight++;
    req.resume();
    req.on('end', () => {
      const answer = () => {
        stats.inFlight--;
        res.writeHead(204).end();
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const port = String(3400 + Math.floor(Math.random() * 90));
const env = {
  DATABASE_URL: dbUrl,
  PORT: port,
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: `bench-webhooks:${port}:`,
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
  WEBHOOK_CONCURRENCY: CONCURRENCY,
  SHUTDOWN_TIMEOUT_MS: '3000',
};
const server = await startApp('apps/server/src/main.ts', env, /listening on/);
const worker = await startApp('apps/worker/src/main.ts', env, /worker started/);
const baseUrl = `http://127.0.0.1:${port}`;
const { client, close: closeClient } = createApiClient({ baseUrl });

async function queueEvents(count: number, label: string): Promise<void> {
  await sql.begin(async (tx) => {
    for (let i = 0; i < count; i++) {
      await emitEvent(tx, 'product.updated', { id: i, sku: `${label}-${i}`, name: 'Kettle' });
    }
  });
}

async function succeeded(webhookId: string): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from webhook_deliveries
    where webhook_id = ${webhookId} and status = 'succeeded'`;
  return row?.count ?? 0;
}

// --- 1. Throughput to a fast endpoint ----------------------------------------------------------
const fast = await startEndpoint(0);
const fastHook = await client.webhooks.create.mutate({
  url: fast.url,
  events: ['product.updated'],
});
await queueEvents(DELIVERIES, 'fast');
const started = performance.now();
while ((await succeeded(fastHook.id)) < DELIVERIES) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const elapsed = performance.now() - started;
console.log(
  `throughput: ${DELIVERIES} deliveries to a fast local endpoint in ${fmtS(elapsed)} = ` +
    `${Math.round(DELIVERIES / (elapsed / 1000))} deliveries/s (rate limit off, 1 worker process)`,
);
await client.webhooks.update.mutate({ id: fastHook.id, enabled: false });
await fast.close();

// --- 2. products.list latency, idle and with deliveries waiting on a slow endpoint ---------------
async function listLatencies(samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = -20; i < samples; i++) {
    const input = { json: { page: 1 + (i & 63), pageSize: 50 } };
    const url = `${baseUrl}/trpc/products.list?input=${encodeURIComponent(JSON.stringify(input))}`;
    const t0 = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`products.list answered ${response.status}`);
    if (i >= 0) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

// Idle is measured before and after the busy phase and pooled, so drift from other load on the
// machine during the run weighs on both sides alike.
const idleBefore = await listLatencies(SAMPLES);
const slow = await startEndpoint(SLOW_MS);
const slowHook = await client.webhooks.create.mutate({
  url: slow.url,
  events: ['product.updated'],
});
await queueEvents(WAITING, 'slow');
while (slow.stats.inFlight < Number(CONCURRENCY)) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const busy = await listLatencies(SAMPLES);
const inFlight = slow.stats.inFlight;
const delivered = await succeeded(slowHook.id);
// Disabling ends the waiting deliveries (each is closed without a request) and frees the worker.
await client.webhooks.update.mutate({ id: slowHook.id, enabled: false });
for (;;) {
  const [row] = await sql<{ pending: number }[]>`
    select count(*)::int as pending from webhook_deliveries where status = 'pending'`;
  if ((row?.pending ?? 0) === 0 && slow.stats.inFlight === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const idleAfter = await listLatencies(SAMPLES);
const idle = [...idleBefore, ...idleAfter].sort((a, b) => a - b);

const idleP95 = percentile(idle, 95);
const busyP95 = percentile(busy, 95);
const ratio = busyP95 / idleP95;
console.log(
  `products.list idle:  p50 ${fmtMs(percentile(idle, 50))}, p95 ${fmtMs(idleP95)} ` +
    `(${SAMPLES} requests before and ${SAMPLES} after the busy phase; p95 ` +
    `${fmtMs(percentile(idleBefore, 95))} before, ${fmtMs(percentile(idleAfter, 95))} after)`,
);
console.log(
  `products.list busy:  p50 ${fmtMs(percentile(busy, 50))}, p95 ${fmtMs(busyP95)} ` +
    `(${SAMPLES} requests) while ` +
    `${WAITING} deliveries waited on a ${SLOW_MS} ms endpoint ` +
    `(${inFlight} in flight at the end, ${delivered} delivered meanwhile)`,
);
console.log(
  `busy p95 / idle p95 = ${ratio.toFixed(2)} (goal ≤ ${RATIO_GOAL}): ${ratio <= RATIO_GOAL ? 'met' : 'NOT met'}`,
);

// --- Clean up ---------------------------------------------------------------------------------
closeClient();
await stopApp(worker);
await stopApp(server);
await slow.close();
await sql.end();
await dropBenchDatabase(args['admin-url'], DB_NAME);
