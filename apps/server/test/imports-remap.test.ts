import { beforeEach, describe, expect, it } from 'vitest';
import type { TImport } from '@acme/shared';
import { corpusFile, eventually, productsBySku } from '@acme/testing';
import {
  failure,
  stagingTables,
  uploadForReview,
  waitForImport,
  useServerWithWorker,
} from './helpers.ts';

/**
 * A German supplier's list: its own order number (`Bestellnummer`) comes first and is matched to
 * sku as confidently as the article number the catalogue uses, so the automatic mapping is wrong.
 */
const SUPPLIER =
  'Bestellnummer;Artikelnummer;Bezeichnung;Beschreibung;Aktiv\n' +
  'B-900;10-4711;Wasserkocher;Edelstahl, 1,7 l;ja\n' +
  'B-901;10-4712;Toaster;2 Scheiben;ja\n' +
  'B-902;10-4713;Brotmesser;Wellenschliff;nein\n' +
  'B-903;10-4713;Brotmesser 20 cm;Wellenschliff;nein\n' +
  'B-904;10-4714;;Ohne Namen;ja\n';
const BY_ARTICLE = {
  sku: 'Artikelnummer',
  name: 'Bezeichnung',
  description: 'Beschreibung',
  active: 'Aktiv',
};
/** What the file does with BY_ARTICLE against the catalogue of beforeEach. */
const ARTICLE_COUNTS = {
  created: 1, // 10-4713, its second row winning
  updated: 1, // 10-4711: new description
  unchanged: 1, // 10-4712
  invalid: 1, // 10-4714 has no name
  duplicates: 1, // the first 10-4713 row
  blank: 0,
};

/** A French price list whose sku and name columns cannot be matched (Code;Libel;Prix HT;Stock). */
const UNMAPPABLE = corpusFile('unmappable-columns.csv').toString('utf8');

const t = useServerWithWorker();
beforeEach(async () => {
  await t.sql`truncate products, import_mappings`;
  await t.sql`
    insert into products (sku, name, description, active) values
      ('10-4711', 'Wasserkocher', 'Edelstahl', true), ('10-4712', 'Toaster', '2 Scheiben', true)`;
});

describe('imports.remap', () => {
  it('stages a wrongly matched supplier file again from the stored file, through parsing back to review', async () => {
    const review = await uploadForReview(t, SUPPLIER);
    // Matched by alias: the supplier's order number, not the article number.
    expect(review).toMatchObject({
      mapping: { sku: 'Bestellnummer', name: 'Bezeichnung' },
      mappingSource: 'matched',
      preview: { created: 4, updated: 0, unchanged: 0, invalid: 1, duplicates: 0, blank: 0 },
    });

    const seen: TImport[] = [];
    const subscription = t.api.imports.onProgress.subscribe(
      { id: review.id },
      { onData: (event) => seen.push(event.data) },
    );
    try {
      // Following: the current state came first.
      await eventually(() => seen.length > 0);
      const queued = await t.api.imports.remap.mutate({ id: review.id, mapping: BY_ARTICLE });
      expect(queued).toMatchObject({
        status: 'queued',
        mapping: BY_ARTICLE,
        mappingSource: 'given',
        preview: null,
        confirmedAt: null,
      });
      const again = await waitForImport(t, review.id, ['review'], queued.version);
      expect(again).toMatchObject({
        mapping: BY_ARTICLE,
        mappingSource: 'given',
        preview: ARTICLE_COUNTS,
        format: { delimiter: ';' },
        confirmedAt: null,
      });
      // Live progress on the bus: queued by the remap, the worker's parsing, then review again.
      await eventually(() => seen.some((state) => state.version === again.version));
      const statuses = seen.map((state) => state.status);
      expect(statuses.slice(0, 2)).toEqual(['review', 'queued']);
      expect(statuses).toContain('parsing');
      expect(statuses.at(-1)).toBe('review');
    } finally {
      subscription.unsubscribe();
    }

    const sample = await t.api.imports.sample.query({ id: review.id });
    expect(sample.items.map((row) => row.sku)).toEqual([
      '10-4711',
      '10-4712',
      '10-4713',
      '10-4713',
    ]);
    const updated = await t.api.imports.changes.query({ id: review.id, kind: 'updated' });
    expect(updated.items).toMatchObject([
      {
        sku: '10-4711',
        before: { description: 'Edelstahl' },
        after: { description: 'Edelstahl, 1,7 l' },
      },
    ]);

    // Nothing changed in the catalogue meanwhile: the applied counts are the preview's.
    const confirmed = await t.api.imports.confirm.mutate({ id: review.id });
    const final = await waitForImport(t, review.id, ['completed'], confirmed.version);
    expect(final).toMatchObject({
      ...ARTICLE_COUNTS,
      preview: ARTICLE_COUNTS,
      // No word of a changed catalogue: the classification of the review was written as it was.
      warnings: ['Ignored unknown column: Bestellnummer'],
    });
    expect(await productsBySku(t.sql)).toEqual([
      { sku: '10-4711', name: 'Wasserkocher', description: 'Edelstahl, 1,7 l', active: true },
      { sku: '10-4712', name: 'Toaster', description: '2 Scheiben', active: true },
      { sku: '10-4713', name: 'Brotmesser 20 cm', description: 'Wellenschliff', active: false },
    ]);
  });

  it('refuses a mapping naming a column the file lacks, and leaves the import as it was', async () => {
    const review = await uploadForReview(t, SUPPLIER);
    const mapping = { ...BY_ARTICLE, sku: 'Artikel-Nr' };
    expect(await failure(t.api.imports.remap.mutate({ id: review.id, mapping }))).toEqual({
      code: 'BAD_REQUEST',
      message:
        'The mapping names a column the file does not have (sku → "Artikel-Nr"); found: ' +
        '"Bestellnummer", "Artikelnummer", "Bezeichnung", "Beschreibung", "Aktiv". The import was not changed.',
    });
    expect(await failure(t.api.imports.confirm.mutate({ id: review.id, mapping }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    // ZColumnMapping itself: sku and name are required.
    expect(
      await failure(
        t.api.imports.remap.mutate({ id: review.id, mapping: { sku: 'Artikelnummer' } as never }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await t.api.imports.byId.query({ id: review.id })).toEqual(review);
    expect(await stagingTables(t, review.id)).toBe(2);
    expect(await t.sql`select 1 from import_mappings`).toHaveLength(0);

    await t.api.imports.cancel.mutate({ id: review.id });
    expect(
      await failure(t.api.imports.remap.mutate({ id: review.id, mapping: BY_ARTICLE })),
    ).toEqual({
      code: 'CONFLICT',
      message: `Import ${review.id} is cancelled; only an import waiting for review can be remapped`,
    });
  });

  it('maps an import that waits in review because its columns could not be mapped', async () => {
    const waiting = await uploadForReview(t, UNMAPPABLE, 'tarifs.csv');
    expect(waiting).toMatchObject({ preview: null, mapping: null, mappingSource: null });
    const queued = await t.api.imports.remap.mutate({
      id: waiting.id,
      mapping: { sku: 'Code', name: 'Libel' },
    });
    const mapped = await waitForImport(t, waiting.id, ['review'], queued.version);
    expect(mapped).toMatchObject({
      mapping: { sku: 'Code', name: 'Libel' },
      mappingSource: 'given',
      preview: { created: 2, updated: 0, unchanged: 0, invalid: 0, duplicates: 0, blank: 0 },
    });
    await t.api.imports.cancel.mutate({ id: waiting.id });
  });
});

describe('imports.confirm with a mapping', () => {
  it('applies an unmappable review with the mapping given, and remembers it for the same columns in any order', async () => {
    const waiting = await uploadForReview(t, UNMAPPABLE, 'tarifs.csv');
    expect(await failure(t.api.imports.confirm.mutate({ id: waiting.id }))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: `Import ${waiting.id} cannot be applied yet: map its columns to sku and name first`,
    });

    const mapping = { sku: 'Code', name: 'Libel' };
    const confirmed = await t.api.imports.confirm.mutate({ id: waiting.id, mapping });
    expect(confirmed).toMatchObject({ status: 'queued', mapping, mappingSource: 'given' });
    expect(confirmed.confirmedAt).toBeInstanceOf(Date);
    // Remembered in the confirming transaction.
    expect(await t.sql`select mapping from import_mappings`).toEqual([{ mapping }]);
    const final = await waitForImport(t, waiting.id, ['completed'], confirmed.version);
    expect(final).toMatchObject({ created: 2, invalid: 0, mapping, mappingSource: 'given' });
    expect((await productsBySku(t.sql)).map((product) => product.sku)).toContain('A-101');

    // The same columns in another order (and spelling of case) map themselves, shown in review.
    const next = await uploadForReview(
      t,
      'STOCK;Libel;Prix HT;Code\n30;Soucoupe bleue;2,10;A-101\n5;Bol;3,00;A-102\n',
      'tarifs-mai.csv',
    );
    expect(next).toMatchObject({
      mapping,
      mappingSource: 'remembered',
      preview: { created: 1, updated: 1, unchanged: 0, invalid: 0 },
    });
    expect(next.suggestions?.find((s) => s.field === 'sku')).toMatchObject({
      column: 'Code',
      confidence: 1,
    });
    // …and stays changeable there.
    const remapped = await t.api.imports.remap.mutate({
      id: next.id,
      mapping: { sku: 'Code', name: 'Libel', description: 'Prix HT' },
    });
    expect(await waitForImport(t, next.id, ['review'], remapped.version)).toMatchObject({
      mappingSource: 'given',
      preview: { created: 1, updated: 1 },
    });
    await t.api.imports.cancel.mutate({ id: next.id });
  });

  it('with a mapping other than the reviewed one, stages again and applies without stopping in review', async () => {
    const review = await uploadForReview(t, SUPPLIER);
    expect(review.preview).toMatchObject({ created: 4 });
    const confirmed = await t.api.imports.confirm.mutate({ id: review.id, mapping: BY_ARTICLE });
    expect(confirmed).toMatchObject({ status: 'queued', preview: null, mappingSource: 'given' });
    expect(await stagingTables(t, review.id)).toBe(0);
    const final = await waitForImport(t, review.id, ['completed'], confirmed.version);
    // The real counts of the new mapping, not the reviewed preview's.
    expect(final).toMatchObject({ ...ARTICLE_COUNTS, mapping: BY_ARTICLE });
    expect((await productsBySku(t.sql)).map((product) => product.sku)).toEqual([
      '10-4711',
      '10-4712',
      '10-4713',
    ]);
    const [remembered] = await t.sql<{ mapping: unknown }[]>`select mapping from import_mappings`;
    expect(remembered?.mapping).toEqual(BY_ARTICLE);
  });

  it('confirming the reviewed mapping unchanged writes the staged rows and remembers the matched mapping', async () => {
    const review = await uploadForReview(t, SUPPLIER);
    const confirmed = await t.api.imports.confirm.mutate({
      id: review.id,
      // The same columns, spelled in another case: the same mapping.
      mapping: { ...review.mapping!, sku: 'BESTELLNUMMER' },
    });
    expect(confirmed).toMatchObject({ mappingSource: 'matched', preview: review.preview });
    const final = await waitForImport(t, review.id, ['completed'], confirmed.version);
    expect(final).toMatchObject({ created: 4, invalid: 1, preview: review.preview });
    const [remembered] = await t.sql<{ mapping: unknown }[]>`select mapping from import_mappings`;
    expect(remembered?.mapping).toEqual(review.mapping);
  });
});
