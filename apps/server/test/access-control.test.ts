import { Writable } from 'node:stream';
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@acme/api';
import { createApiClient } from '@acme/api/client';
import { uniqueRedisPrefix } from '@acme/db/testing';
import { createLogger } from '@acme/runtime/logger';
import { SIGN_IN_LIMIT } from '../src/auth/session-routes.ts';
import { startTestServer, type TestServer } from '@acme/testing';

const PASSWORD = 'correct horse battery';
const TOKEN = 'service-token-0123456789abcdef';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer({
    ADMIN_PASSWORD: PASSWORD,
    API_TOKENS: `${TOKEN},other-token-0123456789`,
  });
});
afterAll(() => app.close());

const signIn = (password: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ password }),
  });

/** A client with a fixed cookie header, as a browser would send it on HTTP and on the WS handshake. */
function clientWithHeaders(headers: Record<string, string>) {
  const base = app.url;
  const wsClient = createWSClient({
    url: `${base.replace('http', 'ws')}/ws`,
    WebSocket: class extends WebSocket {
      constructor(url: string | URL) {
        // Node's WebSocket (undici) takes headers in its options object.
        super(url, { headers });
      }
    },
  });
  const http = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${base}/trpc`, transformer: superjson, headers })],
  });
  const ws = createTRPCClient<AppRouter>({
    links: [wsLink({ client: wsClient, transformer: superjson })],
  });
  return { http, ws, close: () => wsClient.close() };
}

describe('with ADMIN_PASSWORD and API_TOKENS set', () => {
  it('refuses tRPC over HTTP and over WebSocket without credentials', async () => {
    const anonymous = clientWithHeaders({});
    try {
      await expect(anonymous.http.products.list.query({})).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED', httpStatus: 401 },
      });
      await expect(anonymous.ws.products.list.query({})).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
    } finally {
      await anonymous.close();
    }
  });

  it('refuses a wrong bearer token', async () => {
    const { client, close } = createApiClient({
      baseUrl: app.url,
      token: () => 'not-a-known-token-000000',
    });
    try {
      await expect(client.products.list.query({})).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
    } finally {
      close();
    }
  });

  it('refuses plain /api routes without credentials (401), lets them through with a token', async () => {
    const refused = await fetch(`${app.url}/api/imports`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    const through = await fetch(`${app.url}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(through.status).toBe(400); // past the guard: the upload route wants a file
  });

  it('keeps the health endpoints open', async () => {
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  });

  it('accepts an API token as bearer header (HTTP) and connection parameter (WebSocket)', async () => {
    const { client, close } = createApiClient({ baseUrl: app.url, token: () => TOKEN });
    try {
      const created = await client.products.create.mutate({ sku: 'AUTH-1', name: 'Token' });
      expect(created.sku).toBe('AUTH-1');
      // A subscription-less check of the socket: the same client's link for subscriptions is WS,
      // so go through a WS-only client carrying the token as connection parameter.
      const wsClient = createWSClient({
        url: `${app.url.replace('http', 'ws')}/ws`,
        connectionParams: { token: TOKEN },
      });
      const ws = createTRPCClient<AppRouter>({
        links: [wsLink({ client: wsClient, transformer: superjson })],
      });
      expect((await ws.products.list.query({ sku: 'auth-1' })).total).toBe(1);
      await wsClient.close();
    } finally {
      close();
    }
  });

  it('signs in with the password: an httpOnly SameSite cookie opens HTTP and WebSocket', async () => {
    expect(await (await fetch(`${app.url}/api/session`)).json()).toEqual({
      authenticated: false,
      authRequired: true,
    });
    const response = await signIn(PASSWORD, { 'x-forwarded-for': 'ignored' });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^acme_session=v2\.[\w-]{22}\.[\w-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = setCookie.split(';')[0]!;

    const session = await fetch(`${app.url}/api/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({ authenticated: true, authRequired: true });
    await app.sql`insert into products (sku, name) values ('SIGNED-IN-1', 'Kettle')`;
    const browser = clientWithHeaders({ cookie });
    try {
      const seen = { sku: 'SIGNED-IN-1' };
      expect((await browser.http.products.list.query(seen)).items).toMatchObject([seen]);
      expect((await browser.ws.products.list.query(seen)).items).toMatchObject([seen]);
    } finally {
      await browser.close();
    }

    // A tampered cookie (another session id, old signature) is refused.
    const [, id, signature] = cookie.split('=')[1]!.split('.');
    const forged = `acme_session=v2.${id!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}.${signature}`;
    const tampered = clientWithHeaders({ cookie: forged });
    await expect(tampered.http.products.list.query({})).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await tampered.close();

    const signOut = await fetch(`${app.url}/api/session`, {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(signOut.headers.get('set-cookie')).toMatch(/^acme_session=;.*Max-Age=0/);
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const response = await signIn(PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('refuses a wrong password, then rate limits sign-in with 429 and Retry-After', async () => {
    // The two successful sign-ins above counted against this address's limit too.
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < SIGN_IN_LIMIT; i++) {
      last = await signIn('wrong password');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, SIGN_IN_LIMIT - 3).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({ message: /Too many sign-in attempts/ });
    // Even the right password is refused while limited.
    expect((await signIn(PASSWORD)).status).toBe(429);
  });

  it('shares the sign-in limit between the servers of a deployment (through Redis)', async () => {
    // Two more servers of one deployment (one REDIS_PREFIX), apart from `app`'s.
    const deployment = { ADMIN_PASSWORD: PASSWORD, REDIS_PREFIX: uniqueRedisPrefix() };
    const [a, b] = await Promise.all([startTestServer(deployment), startTestServer(deployment)]);
    try {
      const statuses: number[] = [];
      for (let i = 0; i <= SIGN_IN_LIMIT; i++) {
        const server = i % 2 === 0 ? a : b;
        const response = await fetch(`${server.url}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password: 'wrong password' }),
        });
        statuses.push(response.status);
      }
      // Each server saw about half the attempts; together they hit the limit.
      expect(statuses.slice(0, SIGN_IN_LIMIT)).toEqual(Array(SIGN_IN_LIMIT).fill(401));
      expect(statuses.at(-1)).toBe(429);
      for (const server of [a, b]) {
        const right = await fetch(`${server.url}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password: PASSWORD }),
        });
        expect(right.status).toBe(429);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('answers 400 to a sign-in without a JSON password', async () => {
    const other = await startTestServer({ ADMIN_PASSWORD: PASSWORD });
    try {
      const response = await fetch(`${other.url}/api/session`, {
        method: 'POST',
        body: 'password=x',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ message: /JSON body/ });
    } finally {
      await other.close();
    }
  });
});

describe('without ADMIN_PASSWORD', () => {
  function captureLogs() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { logger: createLogger({ level: 'info', name: 'test', destination: stream }), lines };
  }

  it('warns loudly at start in production, and leaves the API open', async () => {
    const { logger, lines } = captureLogs();
    const open = await startTestServer({ NODE_ENV: 'production' }, { logger });
    try {
      expect(lines.join('')).toMatch(/"level":40.*ACCESS CONTROL IS OFF/);
      expect((await open.api.products.list.query({})).total).toBe(0);
      expect(await (await fetch(`${open.url}/api/session`)).json()).toEqual({
        authenticated: false,
        authRequired: false,
      });
      const signIn = await fetch(`${open.url}/api/session`, {
        method: 'POST',
        body: JSON.stringify({ password: 'anything' }),
      });
      expect(signIn.status).toBe(400);
    } finally {
      await open.close();
    }
  });

  it('does not warn outside production', async () => {
    const { logger, lines } = captureLogs();
    const open = await startTestServer({ NODE_ENV: 'development' }, { logger });
    await open.close();
    expect(lines.join('')).not.toMatch(/ACCESS CONTROL IS OFF/);
  });
});
