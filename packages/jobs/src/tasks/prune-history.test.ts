import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@acme/testing';
import { createMemoryBus } from '@acme/realtime';
import { importChannel } from '@acme/shared';
import { pruneHistory } from './prune-history.ts';
import { REVIEW_EXPIRED, REVIEW_EXPIRY_HOURS } from '../import/state/index.ts';

const database = useTestDatabase();
const NOW = new Date('2026-11-22T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const bus = createMemoryBus();
const store = () => ({ sql: database.sql, bus });
beforeEach(async () => {
  await database.sql`truncate imports, events, webhooks, import_journal, product_deletions, deleted_products cascade`;
});

/** An import in `status`, finished `finishedDaysAgo` ago, with `chunks` pieces of stored file. */
async function seedImport(status: string, finishedDaysAgo: number | null, chunks = 3) {
  const [row] = await database.sql<{ id: string }[]>`
    insert into imports (filename, status, finished_at)
    values (${`${status}.csv`}, ${status}::import_status,
            ${finishedDaysAgo === null ? null : daysAgo(finishedDaysAgo)}::timestamptz)
    returning id`;
  await database.sql`
    insert into import_file_chunks (import_id, seq, data)
    select ${row!.id}, seq, '\\x2c'::bytea from generate_series(0, ${chunks - 1}) as seq`;
  return row!.id;
}

async function chunksOf(id: string): Promise<number> {
  const [row] = await database.sql<{ n: number }[]>`
    select count(*)::int as n from import_file_chunks where import_id = ${id}`;
  return row!.n;
}

async function seedWebhook(): Promise<string> {
  const [row] = await database.sql<{ id: string }[]>`
    insert into webhooks (url, events, secret)
    values ('https://example.com/hook', '{product.created}', 'whsec_dGVzdA==') returning id`;
  return row!.id;
}

/** An event `days` old with one delivery in `status` to the webhook, and one logged attempt. */
async function seedEvent(webhookId: string, days: number, status: string) {
  const [event] = await database.sql<{ id: string }[]>`
    insert into events (type, data, created_at)
    values ('product.created', '{}'::jsonb, ${daysAgo(days)}::timestamptz) returning id`;
  const [delivery] = await database.sql<{ id: string }[]>`
    insert into webhook_deliveries (webhook_id, event_id, event_type, status, created_at)
    values (${webhookId}, ${event!.id}, 'product.created', ${status}::webhook_delivery_status,
            ${daysAgo(days)}::timestamptz) returning id`;
  await database.sql`
    insert into webhook_delivery_attempts (delivery_id, webhook_id, attempt, response_time_ms)
    values (${delivery!.id}, ${webhookId}, 1, 12)`;
  return { eventId: event!.id, deliveryId: delivery!.id };
}

async function seedTestDelivery(webhookId: string, days: number, status: string) {
  const [row] = await database.sql<{ id: string }[]>`
    insert into webhook_deliveries (webhook_id, event_type, status, created_at)
    values (${webhookId}, 'webhook.test', ${status}::webhook_delivery_status,
            ${daysAgo(days)}::timestamptz) returning id`;
  return row!.id;
}

const ids = async (table: 'events' | 'webhook_deliveries') =>
  (await database.sql<{ id: string }[]>`select id from ${database.sql(table)}`).map((r) => r.id);

describe('pruneHistory', () => {
  it('drops the files of old failed and cancelled imports, keeping every import row', async () => {
    const oldFailed = await seedImport('failed', 8);
    const oldCancelled = await seedImport('cancelled', 30);
    const recentFailed = await seedImport('failed', 6);
    const queued = await seedImport('queued', null);
    const running = await seedImport('importing', null);

    const result = await pruneHistory(store(), { importFileDays: 7, webhookLogDays: 0 }, NOW);

    expect(result.importFiles).toBe(6);
    expect(await chunksOf(oldFailed)).toBe(0);
    expect(await chunksOf(oldCancelled)).toBe(0);
    expect(await chunksOf(recentFailed)).toBe(3);
    expect(await chunksOf(queued)).toBe(3);
    expect(await chunksOf(running)).toBe(3);
    const [imports] = await database.sql<{ n: number }[]>`select count(*)::int as n from imports`;
    expect(imports!.n).toBe(5);
  });

  it('drops old events with their finished deliveries and log, never a pending one', async () => {
    const hook = await seedWebhook();
    const oldSent = await seedEvent(hook, 40, 'succeeded');
    const oldFailed = await seedEvent(hook, 31, 'failed');
    const oldPending = await seedEvent(hook, 40, 'pending');
    const recent = await seedEvent(hook, 29, 'succeeded');
    const oldTest = await seedTestDelivery(hook, 45, 'failed');
    const oldPendingTest = await seedTestDelivery(hook, 45, 'pending');
    const recentTest = await seedTestDelivery(hook, 1, 'succeeded');

    const result = await pruneHistory(store(), { importFileDays: 0, webhookLogDays: 30 }, NOW);

    expect(result).toEqual({
      expiredReviews: 0,
      importFiles: 0,
      events: 2,
      testDeliveries: 1,
      journalRows: 0,
      deletedProducts: 0,
    });
    expect((await ids('events')).sort()).toEqual([oldPending.eventId, recent.eventId].sort());
    expect((await ids('webhook_deliveries')).sort()).toEqual(
      [oldPending.deliveryId, recent.deliveryId, oldPendingTest, recentTest].sort(),
    );
    expect(await ids('webhook_deliveries')).not.toContain(oldSent.deliveryId);
    expect(await ids('webhook_deliveries')).not.toContain(oldFailed.deliveryId);
    expect(await ids('webhook_deliveries')).not.toContain(oldTest);
    const [attempts] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from webhook_delivery_attempts`;
    expect(attempts!.n).toBe(2);
  });

  it('works through more rows than one batch', async () => {
    await database.sql`
      insert into events (type, data, created_at)
      select 'product.updated', '{}'::jsonb, ${daysAgo(60)}::timestamptz
      from generate_series(1, 5003)`;
    const result = await pruneHistory(store(), { importFileDays: 0, webhookLogDays: 30 }, NOW);
    expect(result.events).toBe(5_003);
    expect(await ids('events')).toEqual([]);
  });

  it('keeps everything when both retentions are 0', async () => {
    const hook = await seedWebhook();
    await seedEvent(hook, 400, 'succeeded');
    const failed = await seedImport('failed', 400);
    const result = await pruneHistory(store(), { importFileDays: 0, webhookLogDays: 0 }, NOW);
    expect(result).toEqual({
      expiredReviews: 0,
      importFiles: 0,
      events: 0,
      testDeliveries: 0,
      journalRows: 0,
      deletedProducts: 0,
    });
    expect(await chunksOf(failed)).toBe(3);
    expect(await ids('events')).toHaveLength(1);
  });

  it('drops the undo data of imports and deletions past their window or used, and marks them', async () => {
    /** An import journaled `days` ago with `rows` journal rows, revertible for a week. */
    async function journaledImport(days: number, rows: number, reverted = false) {
      const [row] = await database.sql<{ id: string }[]>`
        insert into imports (filename, status, finished_at, journaled_at, revertible_until, reverted_at)
        values ('x.csv', 'completed', ${daysAgo(days)}::timestamptz, ${daysAgo(days)}::timestamptz,
                ${daysAgo(days - 7)}::timestamptz,
                ${reverted ? daysAgo(days) : null}::timestamptz)
        returning id`;
      await database.sql`
        insert into import_journal (import_id, written_at, product_id)
        select ${row!.id}, ${daysAgo(days)}::timestamptz, n from generate_series(1, ${rows}) n`;
      return row!.id;
    }
    async function deletion(days: number, rows: number) {
      const [row] = await database.sql<{ id: string }[]>`
        insert into product_deletions (deleted_at, products, restorable_until)
        values (${daysAgo(days)}::timestamptz, ${rows}, ${daysAgo(days - 7)}::timestamptz)
        returning id`;
      await database.sql`
        insert into deleted_products (deletion_id, deleted_at, id, sku, name, description, active,
                                      created_at, updated_at)
        select ${row!.id}, ${daysAgo(days)}::timestamptz, n, 's' || n, 'n', '', true, now(), now()
        from generate_series(1, ${rows}) n`;
      return row!.id;
    }
    await journaledImport(8, 5_002); // past its window
    await journaledImport(1, 3, true); // reverted
    const current = await journaledImport(6, 4);
    const expiredDeletion = await deletion(9, 2);
    const currentDeletion = await deletion(2, 3);

    const result = await pruneHistory(store(), { importFileDays: 0, webhookLogDays: 0 }, NOW);

    expect(result).toMatchObject({ journalRows: 5_005, deletedProducts: 2 });
    const journal = await database.sql<{ id: string; n: number }[]>`
      select import_id as id, count(*)::int as n from import_journal group by import_id`;
    expect([...journal]).toEqual([{ id: current, n: 4 }]);
    const journaled = await database.sql<{ id: string }[]>`
      select id from imports where journaled_at is not null`;
    expect(journaled.map((row) => row.id)).toEqual([current]);
    const kept = await database.sql<{ id: string; n: number }[]>`
      select deletion_id as id, count(*)::int as n from deleted_products group by deletion_id`;
    expect([...kept]).toEqual([{ id: currentDeletion, n: 3 }]);
    const pruned = await database.sql<{ id: string }[]>`
      select id from product_deletions where pruned_at is not null`;
    expect(pruned.map((row) => row.id)).toEqual([expiredDeletion]);
  });

  it('cancels an import abandoned in review for a day and drops its staging tables', async () => {
    const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();
    const seedReview = async (hours: number) => {
      const id = await seedImport('review', null);
      await database.sql`update imports set updated_at = ${hoursAgo(hours)}::timestamptz where id = ${id}`;
      const table = `import_stage_${id.replaceAll('-', '')}`;
      await database.sql.unsafe(`create table ${table} (line int)`);
      return { id, table };
    };
    const abandoned = await seedReview(REVIEW_EXPIRY_HOURS + 1);
    const waiting = await seedReview(REVIEW_EXPIRY_HOURS - 1);
    const exists = async (table: string) =>
      (
        await database.sql<{ found: boolean }[]>`select to_regclass(${table}) is not null as found`
      )[0]?.found;

    const listening = new AbortController();
    const published = (async () => {
      for await (const state of bus.subscribe(importChannel(abandoned.id), listening.signal)) {
        return state;
      }
    })();

    const result = await pruneHistory(store(), { importFileDays: 7, webhookLogDays: 0 }, NOW);
    expect(result.expiredReviews).toBe(1);
    // Subscribers hear of the cancel like of any other transition.
    expect(await published).toMatchObject({ id: abandoned.id, status: 'cancelled', version: 1 });
    listening.abort();
    const rows = await database.sql<{ id: string; status: string; warnings: string[] }[]>`
      select id, status, warnings from imports order by status::text`;
    expect(rows).toEqual([
      { id: abandoned.id, status: 'cancelled', warnings: [REVIEW_EXPIRED] },
      { id: waiting.id, status: 'review', warnings: [] },
    ]);
    expect(await exists(abandoned.table)).toBe(false);
    expect(await exists(waiting.table)).toBe(true);
    // Its file is kept for a retry (it was cancelled just now).
    expect(await chunksOf(abandoned.id)).toBe(3);
  });
});
