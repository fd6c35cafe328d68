import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@acme/db/testing';
import { TEST_REDIS_URL } from '@acme/realtime/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** A free port in 3500-3599 (the range this suite may use), found by binding it. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 3500 + Math.floor(Math.random() * 100);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 3500-3599');
}

async function waitForReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server not ready after 30 s:\n${output()}`);
}

export interface Stack {
  baseUrl: string;
  db: TestDatabase;
  /** Everything the processes printed, for failure messages. */
  logs: () => string;
  /** Stops the server process alone (HTTP and WebSocket go away; the worker keeps running). */
  stopServer: () => Promise<void>;
  /** Starts the server again on the same port and database, once it is ready. */
  startServer: () => Promise<void>;
  stop: () => Promise<void>;
}

function launch(entry: string, env: NodeJS.ProcessEnv, log: string[]): ChildProcess {
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  return child;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The real server and worker processes on a fresh database and a Redis prefix of their own. */
async function startStack(extraEnv: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const port = await freePort();
  const log: string[] = [];
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: uniqueRedisPrefix(),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WORKER_CONCURRENCY: '2',
    DATABASE_POOL_MAX: '4',
    ...extraEnv,
  };
  let server = launch('apps/server/src/main.ts', env, log);
  const worker = launch('apps/worker/src/main.ts', env, log);
  const baseUrl = `http://127.0.0.1:${port}`;
  const logs = () => log.join('');
  try {
    await waitForReady(baseUrl, server, logs);
  } catch (error) {
    await Promise.all([terminate(server), terminate(worker)]);
    await db.drop();
    throw error;
  }
  return {
    baseUrl,
    db,
    logs,
    stopServer: () => terminate(server),
    startServer: async () => {
      server = launch('apps/server/src/main.ts', env, log);
      await waitForReady(baseUrl, server, logs);
    },
    stop: async () => {
      await Promise.all([terminate(server), terminate(worker)]);
      await db.drop();
    },
  };
}

/** Debian's Chromium, driven by playwright-core (no browser download). */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

const DESKTOP = { width: 1280, height: 800 };

/** A desktop-sized page whose waits give up after `timeoutMs`. */
async function openPage(browser: Browser, timeoutMs = 15_000): Promise<Page> {
  const page = await browser.newPage({ viewport: DESKTOP });
  page.setDefaultTimeout(timeoutMs);
  return page;
}

export interface E2eOptions {
  /** Extra environment for the server and worker (ADMIN_PASSWORD, say). */
  env?: NodeJS.ProcessEnv;
  /** The data each test starts from, written to its fresh database before its page opens. */
  seed?: (stack: Stack) => Promise<void>;
  /** How long the page's waits last. */
  timeoutMs?: number;
}

/** What a test of a file that calls `useE2e` works with; valid inside its tests only. */
export interface E2e {
  readonly stack: Stack;
  readonly browser: Browser;
  readonly page: Page;
}

/**
 * The e2e fixture: one browser per file, and for each test a stack of its own (server, worker,
 * a fresh database and Redis prefix, then `seed`) with a fresh page. No test sees another's data,
 * imports or remembered mappings, so none depends on the order they run in
 * (`--sequence.shuffle.tests` checks). A failed test leaves a screenshot in e2e/screenshots/.
 */
export function useE2e(options: E2eOptions = {}): E2e {
  let browser: Browser | undefined;
  let stack: Stack | undefined;
  let page: Page | undefined;
  // A finished test's processes shut down while the next test starts its own.
  const stopping: Promise<void>[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    stack = await startStack(options.env);
    await options.seed?.(stack);
    page = await openPage(browser!, options.timeoutMs);
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page
        ?.screenshot({ path: `${SCREENSHOT_DIR}failed-${task.name.slice(0, 40)}.png` })
        .catch(() => undefined);
    }
    await page?.close();
    if (stack) stopping.push(stack.stop());
    page = stack = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(stopping);
  });
  const present = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`the e2e ${name} exists only inside a test`);
    return value;
  };
  return {
    get stack() {
      return present(stack, 'stack');
    },
    get browser() {
      return present(browser, 'browser');
    },
    get page() {
      return present(page, 'page');
    },
  };
}

const PHONE = { width: 390, height: 844 };

/**
 * What runs wider than it may at the current width: the page itself, or a table that has to be
 * scrolled sideways to be read (a `.table-wrap` wider inside than out).
 */
function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const wider = (element: Element) => element.scrollWidth > element.clientWidth + 1;
    const found: string[] = [];
    if (wider(document.documentElement)) {
      found.push(`the page (${document.documentElement.scrollWidth} px)`);
    }
    for (const wrap of document.querySelectorAll('.table-wrap')) {
      if (!wider(wrap)) continue;
      const label = wrap.closest('[aria-label], [aria-labelledby]');
      const name =
        label?.getAttribute('aria-label') ??
        document.getElementById(label?.getAttribute('aria-labelledby') ?? '')?.textContent ??
        'a table';
      found.push(`${name} (${wrap.scrollWidth} px in ${wrap.clientWidth})`);
    }
    return found;
  });
}

/**
 * Saves e2e/screenshots/<name>-desktop.png and <name>-phone.png of the current page, and fails
 * when at either width the page or one of its tables has to be scrolled sideways.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${SCREENSHOT_DIR}${name}-${size}.png`, fullPage: true });
    expect(await sidewaysOverflow(page), `${name} at ${viewport.width} px`).toEqual([]);
  }
  await page.setViewportSize(DESKTOP);
}
