import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { API_LIMITS } from '@acme/api';
import { startTestServer, type TestServer } from '@acme/testing';

// One socket abusing /ws must cost only itself: subscriptions beyond the cap are refused, a reader
// that never reads is cut off before its answers pile up in the server, and everyone else is served.

let app: TestServer;
const serverSockets: Socket[] = [];
beforeAll(async () => {
  app = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  app.server.on('connection', (socket: Socket) => serverSockets.push(socket));
});
afterAll(() => app.close());

interface Answer {
  id: number;
  result?: { type: string };
  error?: { json: { message: string; data?: { code?: string } } };
}

/** A raw tRPC WebSocket client: sends protocol messages, collects the answers by id. */
async function openSocket(): Promise<{ socket: WebSocket; answers: Map<number, Answer[]> }> {
  const socket = new WebSocket(`${app.url.replace('http', 'ws')}/ws`);
  const answers = new Map<number, Answer[]>();
  socket.on('message', (data: Buffer) => {
    const answer = JSON.parse(data.toString()) as Answer;
    answers.set(answer.id, [...(answers.get(answer.id) ?? []), answer]);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, answers };
}

const subscribe = (socket: WebSocket, id: number, webhookId: string) =>
  socket.send(
    JSON.stringify({
      id,
      method: 'subscription',
      params: { path: 'webhooks.onTestResult', input: { json: { id: webhookId } } },
    }),
  );

/** Subscriptions running: started, and no error (a missing id errors right after starting) nor stop since. */
const started = (answers: Map<number, Answer[]>) =>
  [...answers.values()].filter(
    (list) =>
      list.some((a) => a.result?.type === 'started') &&
      !list.some((a) => a.error || a.result?.type === 'stopped'),
  ).length;
const refused = (answers: Map<number, Answer[]>, code: string) =>
  [...answers.values()].filter((list) => list.some((a) => a.error?.json.data?.code === code))
    .length;

describe('WebSocket abuse', () => {
  it('refuses subscriptions beyond the cap on one socket; missing ids hold no slot', async () => {
    const webhook = await app.api.webhooks.create.mutate({
      url: 'http://127.0.0.1:9/hooks/acme',
      events: ['product.created'],
    });
    const cap = API_LIMITS.maxSubscriptionsPerSocket;
    const { socket, answers } = await openSocket();
    try {
      // Subscriptions to a webhook that does not exist: NOT_FOUND, and their slots come back.
      for (let id = 1; id <= 20; id++)
        subscribe(socket, id, '00000000-0000-4000-8000-000000000000');
      await vi.waitFor(() => expect(refused(answers, 'NOT_FOUND')).toBe(20), { timeout: 10_000 });
      for (let id = 101; id <= 100 + cap + 5; id++) subscribe(socket, id, webhook.id);
      await vi.waitFor(
        () => {
          expect(started(answers)).toBe(cap);
          expect(refused(answers, 'TOO_MANY_REQUESTS')).toBe(5);
        },
        { timeout: 15_000 },
      );
      const tooMany = [...answers.values()]
        .flat()
        .find((a) => a.error?.json.data?.code === 'TOO_MANY_REQUESTS');
      expect(tooMany?.error?.json.message).toBe(
        `At most ${cap} subscriptions per connection; stop some first`,
      );
      // The socket itself stays open, and another client subscribes as usual.
      expect(socket.readyState).toBe(WebSocket.OPEN);
      const other = await openSocket();
      try {
        subscribe(other.socket, 1, webhook.id);
        await vi.waitFor(() => expect(started(other.answers)).toBe(1), { timeout: 10_000 });
      } finally {
        other.socket.close();
      }
      // Stopping one frees its slot for the next (once its generator has ended).
      socket.send(JSON.stringify({ id: 101, method: 'subscription.stop' }));
      let next = 500;
      subscribe(socket, next, webhook.id);
      await vi.waitFor(
        () => {
          const first = answers.get(next)?.[0];
          if (first?.error) subscribe(socket, ++next, webhook.id); // refused: the slot was not free yet
          expect(first?.result?.type).toBe('started');
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(started(answers)).toBe(cap);
    } finally {
      socket.close();
    }
  }, 60_000);

  it('closes a socket that never reads, and keeps serving everyone else', async () => {
    // 200 products of 20,000 characters: one page of them is a ~4 MB answer.
    await app.database.sql`
      insert into products (sku, name, description)
      select 'BULK-' || g, 'Bulk ' || g, repeat('x', 20000) from generate_series(1, 200) g`;
    const connectionsBefore = serverSockets.length;
    const { socket } = await openSocket();
    const serverSide = serverSockets[connectionsBefore];
    expect(serverSide).toBeDefined();
    socket.pause(); // reads nothing more from the server from here on
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let asked = 0;
    const list = (id: number) =>
      socket.send(
        JSON.stringify({
          id,
          method: 'query',
          params: { path: 'products.list', input: { json: { pageSize: 200, page: 1 } } },
        }),
      );
    // A few pages at a time (so the server's own work in flight stays small) until it cuts us off:
    // 60 pages would be ~240 MB of answers queued for a socket that never takes them.
    await vi.waitFor(
      () => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        if (!serverSide!.destroyed && asked < 60) for (let i = 0; i < 2; i++) list(++asked);
        expect(serverSide!.destroyed).toBe(true);
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(asked).toBeLessThan(60);
    expect(rssPeak - rssBefore).toBeLessThan(150 * 1024 * 1024);
    // Everyone else: the health check and a normal client still answer.
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    const page = await app.api.products.list.query({ sku: 'BULK-1', pageSize: 5 });
    expect(page.items.length).toBeGreaterThan(0);
    socket.terminate();
  }, 60_000);
});
