import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from '@acme/shared';
import { sendError } from './http-utils.ts';

/** What a plain route answers when its handler fails with `error`. */
async function answerTo(error: unknown) {
  const server = createServer((_req, res) => sendError(res, error, 'req-1'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, body: await response.json() };
  } finally {
    server.close();
  }
}

describe('sendError (the plain routes’ error answer)', () => {
  it('answers an AppError with its status, code and message', async () => {
    expect(await answerTo(new AppError('CONFLICT', 'Import 7 is already completed'))).toEqual({
      status: 409,
      body: { code: 'CONFLICT', message: 'Import 7 is already completed' },
    });
  });

  it('answers anything else with a generic 500 that carries only the request id', async () => {
    expect(await answerTo(new Error('relation "imports" does not exist'))).toEqual({
      status: 500,
      body: {
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal server error (request id req-1)',
        requestId: 'req-1',
      },
    });
  });
});
