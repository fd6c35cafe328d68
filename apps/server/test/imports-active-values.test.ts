import { beforeEach, describe, expect, it } from 'vitest';
import { productsBySku } from '@acme/testing';
import { failure, uploadForReview, waitForImport, useServerWithWorker } from './helpers.ts';

/** A shop system's list whose Status column says Online/Offline, which no import reads by itself. */
const ONLINE_OFFLINE =
  'Artikelnummer;Bezeichnung;Status\n' +
  'A-1;Wasserkocher;Online\n' +
  'A-2;Toaster; online \n' +
  'A-3;Brotmesser;Offline\n' +
  'A-4;Schneidbrett;ja\n' +
  'A-5;Eierbecher;\n';
const MAPPING = { sku: 'Artikelnummer', name: 'Bezeichnung', active: 'Status' };

const t = useServerWithWorker();
beforeEach(async () => {
  await t.sql`truncate products, import_mappings`;
});

describe('imports.activeValues', () => {
  it('lists the active column’s values with how they read; mapped by hand through remap, they import', async () => {
    const review = await uploadForReview(t, ONLINE_OFFLINE, 'shop.csv');
    expect(review.mapping).toMatchObject(MAPPING);
    // Online and Offline are not understood: their three rows are invalid.
    expect(review.preview).toMatchObject({ created: 2, invalid: 3 });
    expect(await t.api.imports.activeValues.query({ id: review.id })).toEqual({
      column: 'Status',
      items: [
        // Most rows first; compared trimmed and case-insensitively, shown as first written; empty
        // cells left out.
        { value: 'Online', rows: 2, active: null },
        { value: 'ja', rows: 1, active: true },
        { value: 'Offline', rows: 1, active: null },
      ],
      more: false,
    });

    const queued = await t.api.imports.remap.mutate({
      id: review.id,
      mapping: { ...MAPPING, activeValues: { Online: true, Offline: false } },
    });
    const again = await waitForImport(t, review.id, ['review'], queued.version);
    expect(again.preview).toMatchObject({ created: 5, invalid: 0 });
    expect((await t.api.imports.activeValues.query({ id: review.id })).items).toEqual([
      { value: 'Online', rows: 2, active: true },
      { value: 'ja', rows: 1, active: true },
      { value: 'Offline', rows: 1, active: false },
    ]);

    await t.api.imports.confirm.mutate({ id: review.id });
    await waitForImport(t, review.id, ['completed']);
    expect((await productsBySku(t.sql)).map(({ sku, active }) => ({ sku, active }))).toEqual([
      { sku: 'A-1', active: true },
      { sku: 'A-2', active: true },
      { sku: 'A-3', active: false },
      { sku: 'A-4', active: true },
      { sku: 'A-5', active: true },
    ]);
    // Past review the staged values are gone with the rows, and it says so.
    const refused = await failure(t.api.imports.activeValues.query({ id: review.id }));
    expect(refused.code).toBe('PRECONDITION_FAILED');
    expect(refused.message).toMatch(/completed: its rows are listed only while it waits/);
  });

  it('says there is no active column, and that a column held more values than listed', async () => {
    const noActive = await uploadForReview(t, 'sku,name\nA-1,Kettle\n');
    expect(await t.api.imports.activeValues.query({ id: noActive.id })).toEqual({
      column: null,
      items: [],
      more: false,
    });

    // A column of 60 different words is hardly a yes/no column: 50 are listed, `more` says the rest.
    const rows = Array.from({ length: 60 }, (_, i) => `B-${i},Item ${i},word${i}`);
    const wide = await uploadForReview(t, `sku,name,active\n${rows.join('\n')}\n`);
    const values = await t.api.imports.activeValues.query({ id: wide.id });
    expect(values.items).toHaveLength(50);
    expect(values.more).toBe(true);
    expect(values.items.every((item) => item.active === null && item.rows === 1)).toBe(true);
  });
});
