import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** Answers one request; the default answers 204. */
export type Responder = (request: ReceivedRequest, res: ServerResponse) => void;

export interface TestReceiver {
  url: string;
  received: ReceivedRequest[];
  respond: (responder: Responder) => void;
  /** Resolves when at least `count` requests arrived; rejects after `timeoutMs`. */
  waitFor: (count: number, timeoutMs?: number) => Promise<ReceivedRequest[]>;
  close: () => Promise<void>;
}

/** A real HTTP endpoint on 127.0.0.1 (port 0) that records what webhooks send it. For tests. */
export async function startTestReceiver(): Promise<TestReceiver> {
  const received: ReceivedRequest[] = [];
  let responder: Responder = (_request, res) => res.writeHead(204).end();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      received.push(request);
      responder(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respond: (next) => {
      responder = next;
    },
    waitFor: (count, timeoutMs = 10_000) =>
      vi.waitFor(
        () => {
          if (received.length < count) {
            throw new Error(`receiver got ${received.length} requests, expected ${count}`);
          }
          return received;
        },
        { timeout: timeoutMs, interval: 20 },
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
