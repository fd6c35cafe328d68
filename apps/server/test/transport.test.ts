import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppRouter } from '@acme/api';
import { startTestServer, type TestServer } from '@acme/testing';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app.close());

describe('tRPC over WebSocket at /ws', () => {
  it('runs queries and mutations on the socket', async () => {
    const wsClient = createWSClient({ url: `${app.url.replace('http', 'ws')}/ws` });
    const client = createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient, transformer: superjson })],
    });
    try {
      const created = await client.products.create.mutate({ sku: 'WS-1', name: 'Over the socket' });
      expect(created.createdAt).toBeInstanceOf(Date);
      const listed = await client.products.list.query({ sku: 'ws-1' });
      expect(listed.items.map((p) => p.id)).toEqual([created.id]);
      await expect(client.products.create.mutate({ sku: 'ws-1', name: 'dup' })).rejects.toThrow(
        /already exists/,
      );
    } finally {
      await wsClient.close();
    }
  });
});

describe('HTTP surface', () => {
  it('echoes a given request id and makes one up otherwise', async () => {
    const given = await fetch(`${app.url}/health/live`, {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${app.url}/health/live`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 404 with a message for unknown paths', async () => {
    // Other GET paths belong to the dashboard (index.html, when it is built): use an API path.
    const response = await fetch(`${app.url}/api/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'Nothing at GET /api/nope',
    });
    const post = await fetch(`${app.url}/nope`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('refuses a tRPC body over 1 MiB', async () => {
    const response = await fetch(`${app.url}/trpc/products.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { sku: 'big', name: 'x'.repeat(1_100_000) } }),
    });
    expect(response.status).toBe(413);
  });
});

describe('health', () => {
  it('is live and ready when Postgres and Redis answer', async () => {
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { postgres: 'up', redis: 'up' } });
  });

  it('is not ready, naming Redis, when Redis is down', async () => {
    const broken = await startTestServer({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const ready = await fetch(`${broken.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        down: ['redis'],
        checks: { postgres: 'up', redis: 'down' },
      });
      expect((await fetch(`${broken.url}/health/live`)).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('is not ready, naming Postgres, when Postgres is unreachable', async () => {
    const broken = await startTestServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const ready = await fetch(`${broken.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ down: ['postgres'], message: 'postgres down' });
    } finally {
      await broken.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('tells WebSocket clients to reconnect and finishes in-flight requests', async () => {
    const doomed = await startTestServer();
    const socket = new WebSocket(`${doomed.url.replace('http', 'ws')}/ws`);
    await new Promise((resolve) => socket.once('open', resolve));
    const messages: string[] = [];
    socket.on('message', (data: Buffer) => messages.push(data.toString()));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    const arrived = new Promise((resolve) => doomed.server.once('request', resolve));
    const inFlight = doomed.api.products.list.query({});
    await arrived;
    await doomed.close();
    await expect(inFlight).resolves.toMatchObject({ total: 0 });
    expect(await closed).toBe(1012);
    expect(messages.map((m) => JSON.parse(m) as unknown)).toContainEqual({
      id: null,
      method: 'reconnect',
    });
  });
});
