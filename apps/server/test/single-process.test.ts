import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '@acme/api/client';
import { upload } from './helpers.ts';
import { eventually } from '@acme/testing';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The environment of a machine with only Node and pnpm: no DATABASE_URL, no REDIS_URL. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...extra };
  delete env['DATABASE_URL'];
  delete env['REDIS_URL'];
  delete env['NODE_ENV'];
  return env;
}

interface App {
  process: ChildProcess;
  url: string;
  output: () => string;
}

/** `pnpm start` (without the dashboard build): resolves once it listens. */
async function startApp(env: NodeJS.ProcessEnv): Promise<App> {
  const child = spawn(process.execPath, ['scripts/start-all.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { process: child, url, output: () => output };
}

async function stopApp(app: App): Promise<number | null> {
  if (app.process.exitCode !== null) return app.process.exitCode;
  const exited = new Promise<number | null>((resolve) => app.process.once('exit', resolve));
  app.process.kill('SIGTERM');
  return exited;
}

function postmasterAlive(dataDir: string): boolean {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return false;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `pnpm start`'s dashboard build, into a folder of this test's own (e2e builds apps/web/dist). */
async function buildDashboard(outDir: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: path.join(ROOT, 'apps/web'), env: { ...process.env, NODE_ENV: 'production' } },
  );
}

// One app for the file; each feature adds an `it` below.
let dir: string;
let dataDir: string;
let webDir: string;
let app: App;
const appEnv = () => bareEnv({ EMBEDDED_POSTGRES_DIR: dataDir, WEB_DIST_DIR: webDir });
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'acme-single-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its data dir
  dataDir = path.join(dir, 'postgres');
  webDir = path.join(dir, 'web');
  await buildDashboard(webDir);
  app = await startApp(appEnv());
}, 120_000);
afterAll(async () => {
  if (app) await stopApp(app);
  await rm(dir, { recursive: true, force: true });
});

describe('pnpm start with neither DATABASE_URL nor REDIS_URL', () => {
  it('runs one process on an embedded PostgreSQL and says the bus is in-process', async () => {
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      checks: { postgres: 'up', redis: 'in-process' },
    });
    expect(app.output()).toMatch(/DATABASE_URL is unset: using the embedded PostgreSQL/);
    expect(app.output()).toMatch(/REDIS_URL is unset: .*one process only/);
    expect(postmasterAlive(dataDir)).toBe(true);
  });

  it('serves the products API', async () => {
    const { client, close } = createApiClient({ baseUrl: app.url });
    try {
      const created = await client.products.create.mutate({ sku: 'EMB-1', name: 'Embedded' });
      const listed = await client.products.list.query({ sku: 'emb-1' });
      expect(listed.items.map((p) => p.id)).toEqual([created.id]);
    } finally {
      close();
    }
  });

  it('imports an uploaded CSV with its worker in the same process', async () => {
    const csv =
      'sku,name,description,active\nEMB-2,Second,"Quoted, with a comma",true\nemb-2,Last wins,,false\n,No SKU,,\n';
    const uploaded = await upload(app.url, csv);
    expect(uploaded.status).toBe(202);
    const { client, close } = createApiClient({ baseUrl: app.url });
    try {
      const done = await eventually(async () => {
        const state = await client.imports.byId.query({ id: uploaded.body.importId! });
        return state.status === 'completed' || state.status === 'failed' ? state : undefined;
      }, 30_000);
      expect(done).toMatchObject({ status: 'completed', created: 1, invalid: 1 });
      const listed = await client.products.list.query({ sku: 'emb-2' });
      expect(listed.items).toMatchObject([{ sku: 'emb-2', name: 'Last wins', active: false }]);
    } finally {
      close();
    }
  }, 60_000);

  it('serves the dashboard, its assets and its client-side routes', async () => {
    const page = await fetch(`${app.url}/imports`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${app.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('stops PostgreSQL with the app on SIGTERM, and keeps the data for the next start', async () => {
    const code = await stopApp(app);
    expect(code, app.output()).toBe(0);
    expect(postmasterAlive(dataDir)).toBe(false);
    app = await startApp(appEnv());
    const { client, close } = createApiClient({ baseUrl: app.url });
    try {
      expect((await client.products.list.query({ sku: 'emb-1' })).total).toBe(1);
      expect((await client.products.list.query({ sku: 'emb-2' })).total).toBe(1);
    } finally {
      close();
    }
  }, 60_000);

  it('refuses a second app on the same data directory, naming the running PostgreSQL', async () => {
    const second = spawn(process.execPath, ['apps/server/src/main-all.ts'], {
      cwd: ROOT,
      env: bareEnv({ EMBEDDED_POSTGRES_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/already running \(pid \d+\)/);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  }, 30_000);
});

describe.runIf(process.getuid?.() === 0)(
  'pnpm start as root in a directory only root can enter',
  () => {
    it('stops before PostgreSQL starts, with one sentence saying what to do', async () => {
      const rootOnly = await mkdtemp(path.join(tmpdir(), 'acme-root-only-')); // mode 700
      try {
        const child = spawn(process.execPath, ['scripts/start-all.ts'], {
          cwd: ROOT,
          env: bareEnv({ EMBEDDED_POSTGRES_DIR: path.join(rootOnly, '.data', 'postgres') }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise((resolve) => child.once('exit', resolve));
        expect(code).toBe(78);
        const [sentence] = stderr.split('\n');
        expect(sentence).toMatch(
          /^The embedded PostgreSQL runs as the user "postgres" .* cannot reach .*: run `pnpm start` as a normal user, .* or set DATABASE_URL/,
        );
        expect(stderr).not.toMatch(/EACCES|\n\s+at /);
      } finally {
        await rm(rootOnly, { recursive: true, force: true });
      }
    }, 30_000);
  },
);

describe('pnpm start:server and start:worker', () => {
  it.each(['apps/server/src/main.ts', 'apps/worker/src/main.ts'])(
    '%s refuses to start without DATABASE_URL and REDIS_URL',
    async (entry) => {
      const child = spawn(process.execPath, [entry], {
        cwd: ROOT,
        env: bareEnv({}),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(78);
      expect(stderr).toMatch(/set DATABASE_URL and REDIS_URL/);
      expect(stderr).toMatch(/pnpm start/);
    },
  );
});
