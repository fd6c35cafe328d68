import { describe, expect, test } from 'vitest';
import { ImportFailure } from '../import-failure.ts';
import { activeValueMap } from './active-values.ts';
import { detectProfile } from './profiles.ts';
import {
  fieldConfidence,
  mappingProblem,
  planMapping,
  sameMapping,
  suggestFields,
} from './plan.ts';
import { headerSignature } from './remembered.ts';
import { createRowMapper } from './row-mapper.ts';

const columnsOf = (plan: ReturnType<typeof planMapping>) => plan.mapping;

describe('fieldConfidence', () => {
  test('the field’s own name is certain; known aliases in several languages nearly so', () => {
    expect(fieldConfidence('sku', ' SKU ')).toBe(1);
    expect(fieldConfidence('name', 'name')).toBe(1);
    for (const [field, column] of [
      ['sku', 'Artikelnummer'],
      ['sku', 'Artikel-Nr.'],
      ['sku', 'référence'],
      ['sku', 'Item code'],
      ['sku', 'item_code'],
      ['sku', 'ProductCode'],
      ['sku', 'Part number'],
      ['sku', 'Código de artículo'],
      ['sku', 'Codice articolo'],
      ['name', 'Bezeichnung'],
      ['name', 'nom'],
      ['name', 'Title'],
      ['name', 'Product name'],
      ['name', 'Nombre'],
      ['name', 'Naam'],
      ['description', 'Beschreibung'],
      ['description', 'Descripción'],
      ['description', 'Descrizione'],
      ['description', 'Omschrijving'],
      ['description', 'Body (HTML)'],
      ['active', 'Aktiv'],
      ['active', 'actif'],
      ['active', 'Status'],
      ['active', 'Gepubliceerd'],
    ] as const)
      expect([field, column, fieldConfidence(field, column)]).toEqual([field, column, 0.95]);
  });

  test('fuzzy: typos and near forms are likely, partial names only possible, others unlikely', () => {
    expect(fieldConfidence('sku', 'Artikelnumer')).toBeGreaterThanOrEqual(0.75);
    expect(fieldConfidence('name', 'Prodcut name')).toBeGreaterThanOrEqual(0.75);
    expect(fieldConfidence('description', 'Descriptions')).toBeGreaterThanOrEqual(0.75);
    const partial = fieldConfidence('sku', 'SKU (required)');
    expect(partial).toBeGreaterThan(0.4);
    expect(partial).toBeLessThan(0.75);
    expect(fieldConfidence('sku', 'colour')).toBeLessThan(0.4);
    expect(fieldConfidence('name', 'price')).toBeLessThan(0.5);
    expect(fieldConfidence('sku', 'id')).toBe(0);
    expect(fieldConfidence('name', '')).toBe(0);
  });
});

describe('suggestFields', () => {
  test('each field gets its best column; one column serves one field; candidates ranked', () => {
    const suggestions = suggestFields(['Artikelnummer', 'Bezeichnung', 'Beschreibung', 'Preis']);
    expect(suggestions.map(({ field, column }) => [field, column])).toEqual([
      ['sku', 'Artikelnummer'],
      ['name', 'Bezeichnung'],
      ['description', 'Beschreibung'],
      ['active', null],
    ]);
    for (const suggestion of suggestions) {
      const confidences = suggestion.candidates.map((c) => c.confidence);
      expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    }
    // Two columns fit name: the better one wins, the other stays a candidate.
    const [sku, name] = suggestFields(['code', 'Product titles', 'Title']);
    expect(name).toMatchObject({ field: 'name', column: 'Title', confidence: 0.95 });
    expect(name!.candidates.map((c) => c.column).slice(0, 2)).toEqual(['Title', 'Product titles']);
    expect(sku).toMatchObject({ column: null, confidence: 0 });
    expect(sku!.candidates[0]).toEqual({ column: 'code', confidence: 0.69 });
  });
});

describe('planMapping', () => {
  test('plain files map by name; the file’s spelling is kept', () => {
    const plan = planMapping(['SKU', 'Name ', 'description']);
    expect(plan).toMatchObject({
      profile: null,
      source: 'matched',
      mapping: { sku: 'SKU', name: 'Name', description: 'description' },
    });
  });

  test('a supplier file in German, French, Spanish, Italian and Dutch maps itself', () => {
    expect(
      columnsOf(planMapping(['Artikelnummer', 'Bezeichnung', 'Beschreibung', 'Aktiv'])),
    ).toEqual({
      sku: 'Artikelnummer',
      name: 'Bezeichnung',
      description: 'Beschreibung',
      active: 'Aktiv',
    });
    expect(columnsOf(planMapping(['Référence', 'Nom', 'Description', 'Actif']))).toEqual({
      sku: 'Référence',
      name: 'Nom',
      description: 'Description',
      active: 'Actif',
    });
    expect(columnsOf(planMapping(['Referencia', 'Nombre', 'Descripción', 'Activo']))).toMatchObject(
      {
        sku: 'Referencia',
        name: 'Nombre',
      },
    );
    expect(columnsOf(planMapping(['Codice', 'Nome', 'Descrizione', 'Attivo']))).toMatchObject({
      sku: 'Codice',
      name: 'Nome',
      active: 'Attivo',
    });
    expect(
      columnsOf(planMapping(['Artikelnummer', 'Naam', 'Omschrijving', 'Actief'])),
    ).toMatchObject({
      sku: 'Artikelnummer',
      name: 'Naam',
      description: 'Omschrijving',
    });
  });

  test('recognises Shopify, WooCommerce and Amazon exports and maps them by their rules', () => {
    const shopify = planMapping([
      'Handle',
      'Title',
      'Body (HTML)',
      'Vendor',
      'Variant SKU',
      'Variant Price',
      'Image Src',
      'SEO Title',
      'Status',
    ]);
    expect(shopify).toMatchObject({
      profile: 'shopify',
      source: 'profile',
      mapping: { sku: 'Variant SKU', name: 'Title', description: 'Body (HTML)', active: 'Status' },
    });
    expect(shopify.suggestions.find((s) => s.field === 'sku')).toMatchObject({
      column: 'Variant SKU',
      confidence: 1,
    });
    expect(
      planMapping(['ID', 'Type', 'SKU', 'Name', 'Published', 'Short description', 'Description']),
    ).toMatchObject({
      profile: 'woocommerce',
      mapping: { sku: 'SKU', name: 'Name', description: 'Description', active: 'Published' },
    });
    expect(
      planMapping(['item-name', 'item-description', 'listing-id', 'seller-sku', 'price']),
    ).toMatchObject({
      profile: 'amazon',
      mapping: { sku: 'seller-sku', name: 'item-name', description: 'item-description' },
    });
    expect(detectProfile(['sku', 'name'])).toBeNull();
  });

  test('a given mapping wins, then a remembered one, then a profile, then matching', () => {
    const columns = ['Handle', 'Title', 'Variant SKU', 'Barcode', 'Notes'];
    const given = { sku: 'barcode', name: 'notes' };
    const remembered = { sku: 'Handle', name: 'Title' };
    expect(planMapping(columns, { given, remembered })).toMatchObject({
      source: 'given',
      mapping: { sku: 'Barcode', name: 'Notes' }, // as the file spells them
      profile: 'shopify',
    });
    expect(planMapping(columns, { remembered })).toMatchObject({
      source: 'remembered',
      mapping: remembered,
    });
    // A remembered mapping that does not fit this header is passed over.
    expect(planMapping(columns, { remembered: { sku: 'gone', name: 'Title' } })).toMatchObject({
      source: 'profile',
    });
    expect(planMapping(['code', 'label'])).toMatchObject({ mapping: null, source: null });
  });

  test('a given mapping naming a column the file lacks fails, naming it and the columns found', () => {
    expect(mappingProblem(['a', 'b'], { sku: 'a', name: 'title' })).toBe(
      'The mapping names a column the file does not have (name → "title"); found: "a", "b".',
    );
    expect(() => planMapping(['a', 'b'], { given: { sku: 'a', name: 'title' } })).toThrow(
      ImportFailure,
    );
  });

  test('sku or name without a confident column: no mapping, but the candidates', () => {
    const plan = planMapping(['Article', 'Label', 'Price']);
    expect(plan.mapping).toBeNull();
    const sku = plan.suggestions.find((s) => s.field === 'sku')!;
    expect(sku.column).toBeNull();
    expect(sku.candidates[0]?.column).toBe('Article');
  });
});

describe('sameMapping', () => {
  const columns = ['Art.', 'Text', 'Lieferbar'];
  test('the same columns however spelled, and the same hand-mapped values, are the same mapping', () => {
    const mapping = {
      sku: 'Art.',
      name: 'Text',
      active: 'Lieferbar',
      activeValues: { a: true, b: false },
    };
    expect(
      sameMapping(columns, mapping, {
        sku: ' art. ',
        name: 'TEXT',
        active: 'lieferbar',
        activeValues: { b: false, a: true },
      }),
    ).toBe(true);
  });
  test('another column, a field more or less, or other values make another mapping', () => {
    const mapping = { sku: 'Art.', name: 'Text' };
    expect(sameMapping(columns, mapping, { sku: 'Text', name: 'Art.' })).toBe(false);
    expect(sameMapping(columns, mapping, { ...mapping, active: 'Lieferbar' })).toBe(false);
    expect(
      sameMapping(
        columns,
        { ...mapping, active: 'Lieferbar', activeValues: { ja: true } },
        { ...mapping, active: 'Lieferbar', activeValues: { ja: false } },
      ),
    ).toBe(false);
  });
});

describe('headerSignature', () => {
  test('ignores order, case, surrounding and repeated spaces; tells different columns apart', () => {
    const a = headerSignature(['Artikelnummer', 'Bezeichnung', 'Preis  netto']);
    expect(headerSignature([' bezeichnung', 'PREIS netto', 'artikelnummer '])).toBe(a);
    expect(headerSignature(['Artikelnummer', 'Bezeichnung'])).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('active values', () => {
  test('yes/no in several languages, shop states, and values mapped by hand', () => {
    const words = activeValueMap(undefined);
    for (const word of ['ja', 'oui', 'sí', 'si', 'yes', 'y', 'true', '1', 'active', 'waar'])
      expect([word, words.get(word)]).toEqual([word, true]);
    for (const word of ['nein', 'non', 'no', 'n', 'false', '0', '-1', 'draft', 'archived', 'nee'])
      expect([word, words.get(word)]).toEqual([word, false]);
    const byHand = activeValueMap({ 'Im Sortiment': true, Ausgelistet: false, no: true });
    expect(byHand.get('im sortiment')).toBe(true);
    expect(byHand.get('ausgelistet')).toBe(false);
    expect(byHand.get('no')).toBe(true); // by hand wins
    expect(words.get('ausgelistet')).toBeUndefined();
  });
});

describe('row mappers', () => {
  test('plain: positions from the mapping, active words and values by hand', () => {
    const columns = ['Artikelnummer', 'Bezeichnung', 'Status'];
    const mapper = createRowMapper(
      columns,
      {
        sku: 'Artikelnummer',
        name: 'Bezeichnung',
        active: 'Status',
        activeValues: { Lager: true },
      },
      null,
    );
    expect(mapper.map(['A-1', 'Kessel', 'ja'])).toEqual({
      sku: 'A-1',
      name: 'Kessel',
      description: '',
      active: true,
    });
    expect(mapper.map(['A-2', 'Topf', 'LAGER'])).toMatchObject({ active: true });
    expect(mapper.map(['A-3', 'Pfanne', 'vielleicht'])).toEqual({
      sku: 'A-3',
      error: 'active must be true/false, 1/0, yes/no or y/n, found "vielleicht"',
    });
  });

  test('Shopify: variants inherit Title, Body and Status from their product’s first row; image rows are blank', () => {
    const columns = ['Handle', 'Title', 'Body (HTML)', 'Variant SKU', 'Image Src', 'Status'];
    const { mapping, profile } = planMapping(columns);
    const mapper = createRowMapper(columns, mapping!, profile);
    expect(mapper.header.warnings).toEqual(['Ignored unknown column: Image Src']);
    const rows = [
      ['tee', 'Tee', '<p>Soft</p>', 'TEE-S', 'a.jpg', 'active'],
      ['tee', '', '', 'TEE-M', 'b.jpg', ''],
      ['tee', '', '', '', 'c.jpg', ''],
      ['mug', 'Mug', '', 'MUG-1', '', 'draft'],
      ['mug', 'Mug (large)', '', 'MUG-2', '', ''],
    ].map((fields) => mapper.map(fields));
    expect(rows).toEqual([
      { sku: 'TEE-S', name: 'Tee', description: '<p>Soft</p>', active: true },
      { sku: 'TEE-M', name: 'Tee', description: '<p>Soft</p>', active: true },
      null,
      { sku: 'MUG-1', name: 'Mug', description: '', active: false },
      { sku: 'MUG-2', name: 'Mug (large)', description: '', active: false },
    ]);
    expect(mapper.map(['short'])).toMatchObject({
      error: 'expected 6 fields like the header, found 1',
    });
  });

  test('WooCommerce: \\n becomes a line break; private (0) and draft (-1) are inactive', () => {
    const columns = ['ID', 'SKU', 'Name', 'Published', 'Description'];
    const { mapping, profile } = planMapping(columns);
    const mapper = createRowMapper(columns, mapping!, profile);
    expect(mapper.map(['1', 'W-1', 'Lamp', '1', 'Line one\\nLine two'])).toEqual({
      sku: 'W-1',
      name: 'Lamp',
      description: 'Line one\nLine two',
      active: true,
    });
    expect(mapper.map(['2', 'W-2', 'Desk', '0', ''])).toMatchObject({ active: false });
    expect(mapper.map(['3', 'W-3', 'Chair', '-1', ''])).toMatchObject({ active: false });
  });

  test('a mapped column the header holds twice fails, naming it', () => {
    expect(() =>
      createRowMapper(['sku', 'name', 'SKU'], { sku: 'sku', name: 'name' }, null),
    ).toThrow('The header names the column "sku" twice; keep only one.');
    expect(() =>
      createRowMapper(['Code', 'Titel', 'code'], { sku: 'Code', name: 'Titel' }, null),
    ).toThrow('The header names the column "Code" twice; keep only one.');
  });
});
