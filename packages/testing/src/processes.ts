import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, vi } from 'vitest';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { useTestDatabase, type TestDatabaseFixture } from './database.ts';
import { readImport, storeFile } from './imports.ts';
import { TEST_REDIS_URL } from './redis.ts';
import { sampleCsv } from './samples.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The real worker process (apps/worker), so a test can SIGKILL it. `env` may override the
 * defaults (LOG_LEVEL warn, WORKER_CONCURRENCY 2); with `output`, its log lines (JSON) are
 * collected there instead of being dropped.
 */
export function spawnWorker(
  env: { DATABASE_URL: string; REDIS_URL: string; REDIS_PREFIX: string } & Record<string, string>,
  output?: string[],
) {
  const child = spawn(process.execPath, ['apps/worker/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '2', ...env },
    stdio: ['ignore', output ? 'pipe' : 'ignore', 'inherit'],
  });
  if (output && child.stdout) {
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => {
      const lines = (partial + data).split('\n');
      partial = lines.pop() ?? '';
      output.push(...lines.filter(Boolean));
    });
  }
  return child;
}

/** A private redis-server the test can stop and start again on the same port. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString().includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  return child;
}

/** Kills one child process this test started and waits until it is gone. */
export async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

export interface WorkerProcessesFixture {
  readonly database: TestDatabaseFixture;
  /** Starts a real worker process on the file's database and Redis prefix; killed after the file. */
  spawn: () => ChildProcess;
  /**
   * Stores a sample CSV of `rows` rows and spawns a worker for it; resolves once that worker is
   * mid-import (rows processed, not completed), for a test that interrupts it there.
   */
  importUnderWay: (filename: string, rows: number) => Promise<{ id: string; worker: ChildProcess }>;
}

/**
 * A test file's own database and the worker processes it starts (each on that database and one
 * Redis prefix), killed and dropped after the file's tests: for tests that SIGKILL or SIGTERM a
 * worker.
 */
export function useWorkerProcesses(): WorkerProcessesFixture {
  const database = useTestDatabase();
  const prefix = uniqueRedisPrefix();
  const workers: ChildProcess[] = [];
  afterAll(async () => {
    for (const worker of workers) await kill(worker);
  });
  const spawnOne = () => {
    const worker = spawnWorker({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    workers.push(worker);
    return worker;
  };
  return {
    database,
    spawn: spawnOne,
    importUnderWay: async (filename, rows) => {
      const id = await storeFile(database.sql, filename, sampleCsv({ rows }));
      const worker = spawnOne();
      await vi.waitFor(
        async () => {
          const state = await readImport(database.db, id);
          expect(state.status).not.toBe('completed'); // the interruption must land mid-import
          expect(state.rowsProcessed).toBeGreaterThan(0);
        },
        { timeout: 30_000, interval: 50 },
      );
      return { id, worker };
    },
  };
}
