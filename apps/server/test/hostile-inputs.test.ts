import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_LIMITS } from '@acme/api';
import { startTestServer, type TestServer } from '@acme/testing';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app.close());

interface TrpcError {
  error: {
    json: {
      message: string;
      data: {
        httpStatus: number;
        fieldErrors: Record<string, string[]> | null;
        requestId?: string;
        stack?: string;
      };
    };
  };
}

const mutate = async (path: string, input: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${app.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ json: input }),
  });
  return { status: response.status, body: (await response.json()) as TrpcError };
};

describe('hostile inputs', () => {
  it('refuses a huge array by its length with one short error, and keeps serving', async () => {
    const events = Array.from({ length: 100_000 }, (_, i) => `e${i}`);
    const [refused, live] = await Promise.all([
      mutate('webhooks.create', { url: 'https://example.com/hook', events }),
      fetch(`${app.url}/health/live`),
    ]);
    expect(live.status).toBe(200);
    expect(refused.status).toBe(400);
    expect(refused.body.error.json.message).toBe('events may hold at most 50 items');
    expect(refused.body.error.json.data.fieldErrors).toEqual({
      events: ['events may hold at most 50 items'],
    });
  });

  it('reports at most a bounded number of issues', async () => {
    // 50 events (within the limit), every one wrong: 50 issues, of which the first are told.
    const events = Array.from({ length: 50 }, (_, i) => `e${i}`);
    const { status, body } = await mutate('webhooks.create', {
      url: 'https://example.com',
      events,
    });
    expect(status).toBe(400);
    const messages = Object.values(body.error.json.data.fieldErrors ?? {}).flat();
    expect(messages.length).toBe(API_LIMITS.maxReportedIssues + 1);
    expect(messages.at(-1)).toBe('and 30 more problems');
  });

  it('answers 400 naming the field for NUL in text, never a 500 with SQL', async () => {
    for (const [field, input] of [
      ['sku', { sku: 'A\u0000B', name: 'Kettle' }],
      ['name', { sku: 'NUL-1', name: 'Ket\u0000tle' }],
      ['description', { sku: 'NUL-2', name: 'Kettle', description: '\u0000' }],
    ] as const) {
      const { status, body } = await mutate('products.create', input);
      expect(status, field).toBe(400);
      expect(body.error.json.message).toBe(`${field} must not contain NUL characters (\\0)`);
    }
    const search = await fetch(
      `${app.url}/trpc/products.list?input=${encodeURIComponent(JSON.stringify({ json: { name: 'a\u0000' } }))}`,
    );
    expect(search.status).toBe(400);
    const webhook = await mutate('webhooks.create', {
      url: 'https://example.com/\u0000',
      events: ['product.created'],
    });
    expect(webhook.status).toBe(400);
    expect(webhook.body.error.json.message).toMatch(/url/);
  });

  it('answers an unexpected error with a generic message and the request id, details only in the log', async () => {
    // Break the database under the server: every product query now fails with a SQL error.
    await app.database.sql`alter table products rename to products_gone`;
    try {
      const { status, body } = await mutate(
        'products.create',
        { sku: 'BROKEN-1', name: 'Kettle' },
        { 'x-request-id': 'req-hostile-1' },
      );
      expect(status).toBe(500);
      expect(body.error.json.message).toBe('Internal server error (request id req-hostile-1)');
      expect(body.error.json.data.requestId).toBe('req-hostile-1');
      expect(body.error.json.data.stack).toBeUndefined();
      expect(JSON.stringify(body)).not.toMatch(/relation|insert|does not exist/i);
    } finally {
      await app.database.sql`alter table products_gone rename to products`;
    }
  });

  it('refuses an HTTP batch over the limit', async () => {
    const calls = API_LIMITS.maxBatchSize + 1;
    const paths = Array(calls).fill('products.list').join(',');
    const input = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { json: {} }]));
    const response = await fetch(
      `${app.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
    );
    expect(response.status).toBe(400);
    const ok = await fetch(
      `${app.url}/trpc/products.list,products.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: {} }, 1: { json: {} } }))}`,
    );
    expect(ok.status).toBe(200);
  });

  it('serves subscriptions over the WebSocket only (an HTTP event stream just ends with an error)', async () => {
    const response = await fetch(
      `${app.url}/trpc/imports.onProgress?input=${encodeURIComponent(JSON.stringify({ json: { id: '00000000-0000-4000-8000-000000000000' } }))}`,
      { headers: { accept: 'text/event-stream' } },
    );
    // One error event, then the stream ends: nothing was subscribed.
    expect(await response.text()).toMatch(/METHOD_NOT_SUPPORTED/);
  });
});
