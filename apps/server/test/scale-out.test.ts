// Scale-out: two server processes and two worker processes, as on separate machines, sharing
// nothing but one PostgreSQL database and one Redis prefix (no shared disk, no shared memory).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from 'vitest';
import { createApiClient, type ApiClient } from '@acme/api/client';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import {
  sampleCsv,
  sampleDistinctSkus,
  startTestReceiver,
  TEST_REDIS_URL,
  type TestReceiver,
} from '@acme/testing';
import { FINAL_IMPORT_STATUSES, type TImport, type TImportStatus } from '@acme/shared';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Deliveries a minute to one webhook, shared by both workers through Redis. */
const LIMIT = 4;
const WINDOW_MS = 60_000;
/** More product events than the limit: the rest must wait for the next window, not be dropped. */
const EVENTS = 7;

/** One child process and everything it printed (JSON log lines). */
interface Child {
  name: string;
  process: ChildProcess;
  output: string[];
  /** Parsed log lines, in order. */
  lines: Record<string, unknown>[];
}

let database: TestDatabase;
let receiver: TestReceiver;
const children: Child[] = [];
let servers: { child: Child; url: string; api: ApiClient; close: () => void }[] = [];
let workers: Child[] = [];

function launch(name: string, entry: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Child = { name, process: child, output: [], lines: [] };
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      result.output.push(line);
      try {
        result.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => result.output.push(chunk.toString()));
  children.push(result);
  return result;
}

function printOutput(): void {
  for (const child of children) {
    const state = child.process.exitCode ?? child.process.signalCode ?? 'running';
    console.error(`--- ${child.name} (pid ${child.process.pid}, ${state}) ---`);
    console.error(child.output.slice(-200).join('\n'));
  }
}

async function stop(child: Child, signal: NodeJS.Signals): Promise<void> {
  const { process: proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
): Promise<T> {
  return vi.waitFor(
    async () => {
      for (const child of children) {
        if (child.process.signalCode === null && child.process.exitCode !== null) {
          throw new Error(`${child.name} exited with code ${child.process.exitCode}`);
        }
      }
      const value = await check();
      if (value === undefined || value === false) throw new Error(`${what}: not yet`);
      return value;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

/** Ids of the jobs of `task` that this worker process took (graphile-worker's debug line). */
function jobsTakenBy(worker: Child, task: string): string[] {
  const pattern = new RegExp(`^Found task (\\d+) \\(${task.replace(':', '\\:')}\\)`);
  return worker.lines.flatMap((line) => {
    const match = pattern.exec(String(line['msg']));
    return match ? [match[1]!] : [];
  });
}

async function upload(url: string, filename: string, csv: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), filename);
  const res = await fetch(`${url}/api/imports`, { method: 'POST', body: form });
  const body = (await res.json()) as { importId?: string; message?: string };
  if (res.status !== 202 || !body.importId) {
    throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.importId;
}

function csvOf(rows: number, seed: number): Buffer {
  return Buffer.concat([...sampleCsv({ rows, seed })]);
}

async function productCount(): Promise<number> {
  const [row] = await database.sql<{ n: number }[]>`select count(*)::int as n from products`;
  return row!.n;
}

async function readImport(id: string) {
  const [row] = await database.sql<
    { status: TImportStatus; rowsProcessed: number; attempts: number }[]
  >`
    select status, rows_processed::int as "rowsProcessed", attempts from imports where id = ${id}`;
  return row!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startTestReceiver();
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: uniqueRedisPrefix(),
    HOST: '127.0.0.1',
    PORT: '0',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    // Few slots per worker, so neither process can take every delivery before the other wakes.
    WEBHOOK_CONCURRENCY: '2',
    WORKER_CONCURRENCY: '2',
    // Four processes and other test files share the machine's PostgreSQL.
    DATABASE_POOL_MAX: '3',
    SHUTDOWN_TIMEOUT_MS: '5000',
  };
  // Servers log their port at info; workers log the jobs they take at debug (graphile-worker).
  const serverChildren = ['server-a', 'server-b'].map((name) =>
    launch(name, 'apps/server/src/main.ts', { ...env, LOG_LEVEL: 'info' }),
  );
  workers = ['worker-1', 'worker-2'].map((name) =>
    launch(name, 'apps/worker/src/main.ts', { ...env, LOG_LEVEL: 'debug' }),
  );
  try {
    servers = await Promise.all(
      serverChildren.map(async (child) => {
        const port = await until(
          `${child.name} listening`,
          () => child.lines.find((line) => typeof line['port'] === 'number')?.['port'] as number,
          45_000,
        );
        const url = `http://127.0.0.1:${port}`;
        await until(
          `${child.name} ready`,
          async () => (await fetch(`${url}/health/ready`)).ok,
          15_000,
        );
        const api = createApiClient({ baseUrl: url });
        return { child, url, api: api.client, close: api.close };
      }),
    );
    for (const worker of workers) {
      await until(
        `${worker.name} started`,
        () => worker.lines.some((line) => line['msg'] === 'worker started'),
        45_000,
      );
    }
  } catch (error) {
    printOutput();
    throw error;
  }
}, 90_000);

afterAll(async () => {
  for (const server of servers) server.close();
  // SIGTERM first (graceful drain), SIGKILL if a process does not exit in time.
  await Promise.all(children.map((child) => stop(child, 'SIGTERM')));
  await receiver?.close();
  await database?.drop();
}, 60_000);

describe('two servers and two workers on one PostgreSQL and one Redis', () => {
  let webhookId: string;
  let firstSentAt: number;

  it('the per-webhook rate limit holds across both workers; the rest wait their turn', async () => {
    onTestFailed(printOutput);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    // Slow answers keep both workers' slots busy, so both take deliveries.
    receiver.respond((_request, res) => setTimeout(() => res.writeHead(204).end(), 500));
    const hook = await a.api.webhooks.create.mutate({
      url: receiver.url,
      events: ['product.created'],
    });
    webhookId = hook.id;
    // The events come through both servers.
    for (let i = 0; i < EVENTS; i++) {
      const api = i % 2 === 0 ? a.api : b.api;
      await api.products.create.mutate({ sku: `RATE-${i}`, name: `Rate limited ${i}` });
    }
    // Every delivery is looked at once: sent, or rescheduled to its reserved slot. Once all are,
    // no further request can be on its way before the window has passed.
    await until(
      'deliveries sent or rescheduled',
      async () => {
        const [row] = await database.sql<{ sent: number; waiting: number }[]>`
          select count(*) filter (where status = 'succeeded')::int as sent,
                 count(*) filter (where status = 'pending' and next_attempt_at is not null)::int as waiting
          from webhook_deliveries where webhook_id = ${webhookId}`;
        return row!.sent === LIMIT && row!.waiting === EVENTS - LIMIT;
      },
      30_000,
    );
    expect(receiver.received).toHaveLength(LIMIT);
    firstSentAt = receiver.received[0]!.receivedAt;
    // Both worker processes asked the shared limiter.
    for (const worker of workers) expect(jobsTakenBy(worker, 'webhook:deliver')).not.toEqual([]);
    const [failed] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from webhook_deliveries where status = 'failed'`;
    expect(failed!.n).toBe(0);
  }, 60_000);

  it('a file uploaded to server A is imported by a worker, its progress streamed by server B', async () => {
    onTestFailed(printOutput);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const rows = 40_000;
    const before = await productCount();
    const id = await upload(a.url, 'scale-a.csv', csvOf(rows, 1));
    const events: TImport[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      b.api.imports.onProgress.subscribe(
        { id },
        {
          onData: (event) => events.push(event.data),
          onComplete: resolve,
          onError: reject,
        },
      );
    });
    await Promise.race([
      ended,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('subscription did not end')), 60_000),
      ),
    ]);
    const final = events.at(-1)!;
    expect(final).toMatchObject({
      id,
      status: 'completed',
      filename: 'scale-a.csv',
      rowsProcessed: rows,
      created: sampleDistinctSkus({ rows, seed: 1 }),
      updated: 0,
      invalid: 0,
    });
    // It streamed: states before the final one, each newer than the one before.
    expect(events.length).toBeGreaterThan(1);
    expect(events.slice(0, -1).every((e) => !FINAL_IMPORT_STATUSES.includes(e.status))).toBe(true);
    const processed = events.map((e) => e.rowsProcessed);
    expect(processed).toEqual([...processed].sort((x, y) => x - y));
    // One worker took it; the catalogue holds the file's products, as both servers see it.
    const takers = workers.filter((w) => jobsTakenBy(w, 'import:process_csv').length > 0);
    expect(takers).toHaveLength(1);
    expect(await productCount()).toBe(before + final.created);
    const [fromA, fromB] = await Promise.all([
      a.api.products.list.query({ pageSize: 1 }),
      b.api.products.list.query({ pageSize: 1 }),
    ]);
    expect(fromA.total).toBe(before + final.created);
    expect(fromB.total).toBe(fromA.total);
  }, 90_000);

  it('a worker SIGKILLed mid-import leaves the import to the other, which completes it', async () => {
    onTestFailed(printOutput);
    const [, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const rows = 100_000;
    const before = await productCount();
    const id = await upload(b.url, 'scale-b.csv', csvOf(rows, 2));
    const [job] = await database.sql<{ id: string }[]>`
      select id::text from graphile_worker.jobs where key = ${`import:${id}`}`;
    // Wait until a worker is mid-way through it, then kill that worker.
    const holder = await until(
      'a worker working on the import',
      async () => {
        const state = await readImport(id);
        expect(state.status).not.toBe('completed'); // the kill must land mid-import
        if (state.rowsProcessed === 0) return undefined;
        return workers.find((w) => jobsTakenBy(w, 'import:process_csv').includes(job!.id));
      },
      60_000,
    );
    await stop(holder, 'SIGKILL');
    const survivor = workers.find((w) => w !== holder)!;
    expect(['parsing', 'importing']).toContain((await readImport(id)).status);

    // Its heartbeat goes stale (30 s), the rescue (every 10 s) releases the job, the other takes it.
    const final = await until(
      'the import finished by the other worker',
      async () => {
        const state = await readImport(id);
        return FINAL_IMPORT_STATUSES.includes(state.status) && state;
      },
      90_000,
    );
    expect(final).toMatchObject({ status: 'completed', rowsProcessed: rows, attempts: 2 });
    expect(jobsTakenBy(survivor, 'import:process_csv')).toContain(job!.id);
    const [counts] = await database.sql<{ created: number; updated: number; invalid: number }[]>`
      select created::int, updated::int, invalid::int from imports where id = ${id}`;
    expect(counts).toEqual({
      created: sampleDistinctSkus({ rows, seed: 2 }),
      updated: 0,
      invalid: 0,
    });
    expect(await productCount()).toBe(before + counts!.created);
  }, 150_000);

  it('the deliveries over the limit are sent in the next window, none dropped, none early', async () => {
    onTestFailed(printOutput);
    // The last delivery's slot is one window after the first send (the first window held LIMIT).
    const remaining = Math.max(0, firstSentAt + WINDOW_MS - Date.now());
    await receiver.waitFor(EVENTS, remaining + 30_000);
    // Every delivery has succeeded: none is left to send again.
    await until(
      'every delivery recorded as sent',
      async () => {
        const [row] = await database.sql<{ sent: number }[]>`
          select count(*) filter (where status = 'succeeded')::int as sent
          from webhook_deliveries where webhook_id = ${webhookId}`;
        return row!.sent === EVENTS;
      },
      10_000,
    );
    expect(receiver.received).toHaveLength(EVENTS);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(EVENTS);
    // No window of 60 s saw more than LIMIT. The limiter reserves send times on Redis' clock;
    // the receiver sees each request after its HTTP latency, so allow a second of jitter.
    const times = receiver.received.map((r) => r.receivedAt).sort((x, y) => x - y);
    for (let i = 0; i + LIMIT < times.length; i++) {
      expect(times[i + LIMIT]! - times[i]!).toBeGreaterThan(WINDOW_MS - 1_000);
    }
    const [counts] = await database.sql<{ succeeded: number; other: number }[]>`
      select count(*) filter (where status = 'succeeded')::int as succeeded,
             count(*) filter (where status <> 'succeeded')::int as other
      from webhook_deliveries where webhook_id = ${webhookId}`;
    expect(counts).toEqual({ succeeded: EVENTS, other: 0 });
  }, 120_000);
});
