import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppRouter } from '@acme/api';
import { startTestServer, type TestServer } from '@acme/testing';

const PASSWORD = 'correct horse battery';
const FOREIGN = 'http://evil.localhost:8080';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer({
    ADMIN_PASSWORD: PASSWORD,
    ALLOWED_ORIGINS: 'http://dashboard.example:5173',
  });
});
afterAll(() => app.close());

async function signIn(url = app.url, password = PASSWORD): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  expect(response.status).toBe(200);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const listStatus = async (cookie: string, url = app.url) =>
  (
    await fetch(`${url}/trpc/products.list?input=${encodeURIComponent('{"json":{}}')}`, {
      headers: { cookie },
    })
  ).status;

/** Opens a raw WebSocket handshake; resolves with the socket, or the HTTP status it was refused with. */
function openSocket(headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${app.url.replace('http', 'ws')}/ws`, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', reject);
  });
}

function uploadWith(headers: Record<string, string>) {
  const form = new FormData();
  form.append('file', new Blob(['sku,name\nO-1,Origin\n'], { type: 'text/csv' }), 'o.csv');
  return fetch(`${app.url}/api/imports`, { method: 'POST', body: form, headers });
}

describe('sessions are revoked server-side', () => {
  it('refuses the old cookie with 401 after sign-out, even a copy kept elsewhere', async () => {
    const cookie = await signIn();
    expect(await listStatus(cookie)).toBe(200);
    const signOut = await fetch(`${app.url}/api/session`, {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(signOut.status).toBe(200);
    // The browser dropped its cookie; an attacker who copied it sends it anyway.
    expect(await listStatus(cookie)).toBe(401);
    expect((await uploadWith({ cookie })).status).toBe(401);
    const session = await fetch(`${app.url}/api/session`, { headers: { cookie } });
    expect(await session.json()).toMatchObject({ authenticated: false });
    // Other sessions live on.
    expect(await listStatus(await signIn())).toBe(200);
  });

  it('closes the WebSockets already open with a session when it signs out', async () => {
    const cookie = await signIn();
    const closed = new Promise<number>((resolve) => {
      const wsClient = createWSClient({
        url: `${app.url.replace('http', 'ws')}/ws`,
        WebSocket: class extends globalThis.WebSocket {
          constructor(url: string | URL) {
            super(url, { headers: { cookie } });
            this.addEventListener('close', (event) => {
              resolve(event.code);
              void wsClient.close();
            });
          }
        },
      });
      const ws = createTRPCClient<AppRouter>({
        links: [wsLink({ client: wsClient, transformer: superjson })],
      });
      void ws.products.list
        .query({})
        .then(() => fetch(`${app.url}/api/session`, { method: 'DELETE', headers: { cookie } }));
    });
    expect(await closed).toBe(4401);
  });

  it('ends every session when the password changes, even with the same SESSION_SECRET', async () => {
    const secret = 's'.repeat(40);
    const before = await startTestServer({ ADMIN_PASSWORD: PASSWORD, SESSION_SECRET: secret });
    // The same deployment (same sessions table) after a restart with a new password.
    const after = await startTestServer({
      ADMIN_PASSWORD: 'a brand new password',
      SESSION_SECRET: secret,
      DATABASE_URL: before.database.url,
    });
    try {
      const cookie = await signIn(before.url);
      expect(await listStatus(cookie, before.url)).toBe(200);
      expect(await listStatus(cookie, after.url)).toBe(401);
    } finally {
      await after.close();
      await before.close();
    }
  });
});

describe('origins', () => {
  it('refuses an upload from a foreign origin with a valid cookie, accepts its own and allowed ones', async () => {
    const cookie = await signIn();
    const foreign = await uploadWith({ cookie, origin: FOREIGN });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ message: /other sites are refused/ });
    expect((await uploadWith({ cookie, origin: app.url })).status).toBe(202);
    expect((await uploadWith({ cookie, origin: 'http://dashboard.example:5173' })).status).toBe(
      202,
    );
    expect((await uploadWith({ cookie })).status).toBe(202); // no Origin: not a browser page
  });

  it('refuses a WebSocket from a foreign origin with a valid cookie', async () => {
    const cookie = await signIn();
    expect(await openSocket({ cookie, origin: FOREIGN })).toBe(403);
    const own = await openSocket({ cookie, origin: app.url });
    expect(own).toBeInstanceOf(WebSocket);
    (own as WebSocket).close();
    // Without a cookie the handshake passes (a token follows in connectionParams).
    const tokenOnly = await openSocket({ origin: FOREIGN });
    expect(tokenOnly).toBeInstanceOf(WebSocket);
    (tokenOnly as WebSocket).close();
  });

  it('keeps refusing tRPC mutations whose body is not JSON', async () => {
    const cookie = await signIn();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const response = await fetch(`${app.url}/trpc/products.create`, {
        method: 'POST',
        headers: { cookie, 'content-type': type },
        body: 'json={"sku":"CSRF-1","name":"x"}',
      });
      expect(response.status, type).toBeGreaterThanOrEqual(400);
    }
    const search = await fetch(
      `${app.url}/trpc/products.list?input=${encodeURIComponent('{"json":{"sku":"CSRF-1"}}')}`,
      { headers: { cookie } },
    );
    expect(
      ((await search.json()) as { result: { data: { json: { total: number } } } }).result.data.json
        .total,
    ).toBe(0);
  });
});
