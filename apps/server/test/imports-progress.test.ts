import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importChannel, type TImport } from '@acme/shared';
import { eventually, startTestServer, type TestServer } from '@acme/testing';
import { seedImport, workerWrites } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

/** Follows `imports.onProgress` over the WebSocket and records what arrives. */
function follow(server: TestServer, input: { id: string; lastEventId?: string }) {
  const events: { id: string; data: TImport }[] = [];
  const result = { events, completed: false, error: undefined as unknown };
  const subscription = server.api.imports.onProgress.subscribe(input, {
    onData: (event) => events.push(event),
    onComplete: () => (result.completed = true),
    onError: (error) => (result.error = error),
  });
  const count = (n: number) => eventually(() => (events.length >= n ? true : undefined));
  const done = () => eventually(() => (result.completed || result.error ? true : undefined), 8_000);
  return { result, count, done, unsubscribe: () => subscription.unsubscribe() };
}

describe('imports.onProgress', () => {
  it('yields the current state, then newer states from the bus, and ends on a final one', async () => {
    const seeded = await seedImport(t, {}, 'sku,name\nA,B\n');
    const sub = follow(t, { id: seeded.id });
    await sub.count(1);
    expect(sub.result.events[0]).toEqual({ id: '0', data: seeded });
    expect(sub.result.events[0]!.data.createdAt).toBeInstanceOf(Date);

    const parsing = await workerWrites(t, seeded.id, { status: 'parsing', startedAt: new Date() });
    await sub.count(2);
    expect(sub.result.events[1]).toEqual({ id: '1', data: parsing });

    // A repeated and an older state on the bus are dropped.
    await t.bus.publish(importChannel(seeded.id), parsing);
    await t.bus.publish(importChannel(seeded.id), seeded);
    const importing = await workerWrites(t, seeded.id, { status: 'importing', rowsProcessed: 500 });
    await sub.count(3);
    const completed = await workerWrites(t, seeded.id, {
      status: 'completed',
      created: 1,
      finishedAt: new Date(),
    });
    await sub.done();
    expect(sub.result.error).toBeUndefined();
    expect(sub.result.events).toEqual([
      { id: '0', data: seeded },
      { id: '1', data: parsing },
      { id: '2', data: importing },
      { id: '3', data: completed },
    ]);
  });

  it('resumes after lastEventId without repeating what the client has', async () => {
    const seeded = await seedImport(t, { status: 'importing', version: 3 });
    const sub = follow(t, { id: seeded.id, lastEventId: '3' });
    // Nothing newer than version 3 yet: the next event is the next change.
    const next = await workerWrites(t, seeded.id, { rowsProcessed: 10 });
    await sub.count(1);
    const final = await workerWrites(t, seeded.id, { status: 'failed', error: 'disk full' });
    await sub.done();
    expect(sub.result.events).toEqual([
      { id: '4', data: next },
      { id: '5', data: final },
    ]);

    const older = follow(t, { id: seeded.id, lastEventId: '1' });
    await older.done();
    expect(older.result.events).toEqual([{ id: '5', data: final }]);

    // Already has the final state: the subscription just ends.
    const upToDate = follow(t, { id: seeded.id, lastEventId: '5' });
    await upToDate.done();
    expect(upToDate.result).toMatchObject({ completed: true, events: [] });
  });

  it('reconnects by itself and resumes from the last state it received', async () => {
    const seeded = await seedImport(t, { status: 'parsing' });
    const sub = follow(t, { id: seeded.id });
    await sub.count(1);
    // The connection drops; the worker moves on meanwhile, and its message is lost for us.
    const opens = t.webSocketOpens();
    t.dropConnections();
    const missed = await workerWrites(t, seeded.id, { status: 'importing' });
    await sub.count(2);
    const final = await workerWrites(t, seeded.id, { status: 'completed' });
    await sub.done();
    expect(sub.result.events).toEqual([
      { id: '0', data: seeded },
      { id: '1', data: missed },
      { id: '2', data: final },
    ]);
    expect(t.webSocketOpens()).toBe(opens + 1); // it did reconnect
  });

  it('still ends when the final state reached Postgres but its message was lost', async () => {
    const seeded = await seedImport(t, { status: 'importing' });
    const sub = follow(t, { id: seeded.id });
    await sub.count(1);
    const final = await workerWrites(
      t,
      seeded.id,
      { status: 'completed', finishedAt: new Date() },
      { publish: false },
    );
    await sub.done();
    expect(sub.result.events.at(-1)).toEqual({ id: '1', data: final });
    expect(sub.result.completed).toBe(true);
  });

  it('answers NOT_FOUND for an unknown import and BAD_REQUEST for a bad id', async () => {
    const missing = follow(t, { id: '00000000-0000-4000-8000-000000000000' });
    await missing.done();
    expect(missing.result.error).toMatchObject({ data: { code: 'NOT_FOUND' } });
    const malformed = follow(t, { id: 'x' });
    await malformed.done();
    expect(malformed.result.error).toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });
});

describe('imports.onProgress without Redis', () => {
  it('follows the import from Postgres alone', async () => {
    // Nothing listens on port 1: the server's bus never connects.
    const offline = await startTestServer({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const seeded = await seedImport(offline, { status: 'parsing' });
      const sub = follow(offline, { id: seeded.id });
      await sub.count(1);
      const final = await workerWrites(
        offline,
        seeded.id,
        { status: 'completed' },
        {
          publish: false,
        },
      );
      await sub.done();
      expect(sub.result.events).toEqual([
        { id: '0', data: seeded },
        { id: '1', data: final },
      ]);
    } finally {
      await offline.close();
    }
  });
});
