import { describe, expect, test } from 'vitest';
import { readStoredHeader } from '../file/stored-header.ts';
import { headerSignature, rememberedMapping, rememberMapping } from './remembered.ts';
import {
  corpusFile,
  errorsOf,
  importFile,
  productsBySku,
  storeFile,
  useInProcessWorker,
  waitForFinal,
} from '@acme/testing';

const files = useInProcessWorker();

describe('shop exports are recognised and imported by their rules', () => {
  test('Shopify: variants inherit Title, Body and Status; image rows are blank; draft and archived are inactive', async () => {
    const final = await importFile(
      files.database,
      'products_export_1.csv',
      corpusFile('shopify-products.csv'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      error: null,
      format: { encoding: 'utf-8', delimiter: ',', profile: 'shopify' },
      mapping: { sku: 'Variant SKU', name: 'Title', description: 'Body (HTML)', active: 'Status' },
      rowsProcessed: 8,
      created: 7,
      invalid: 0,
      blank: 1, // the extra image row of the tee
    });
    expect(final.columns).toHaveLength(33);
    expect(final.columns?.slice(0, 3)).toEqual(['Handle', 'Title', 'Body (HTML)']);
    expect(final.suggestions?.find((s) => s.field === 'sku')).toMatchObject({
      column: 'Variant SKU',
      confidence: 1,
    });
    const products = await productsBySku(files.database.sql);
    const tee =
      '<p>Soft, breathable tee made from <strong>100% organic cotton</strong>.</p>\n<ul><li>Regular fit</li><li>Machine wash at 30°C</li></ul>';
    expect(products).toEqual([
      {
        sku: 'BEAN-23-NAV',
        name: 'Winter Beanie (2023 edition)',
        description: "<p>Last season's beanie.</p>",
        active: false,
      },
      {
        sku: 'BEAN-23-RED',
        name: 'Winter Beanie (2023 edition)',
        description: "<p>Last season's beanie.</p>",
        active: false,
      },
      {
        sku: 'GIFT-WRAP',
        name: 'Gift wrapping',
        description: '<p>We wrap it for you.</p>',
        active: false,
      },
      {
        sku: 'MUG-ENM-350',
        name: 'Enamel Camp Mug, 350 ml',
        description:
          '<p>The mug that survives the campsite. 12 oz / 350 ml, "chip-resistant" enamel.</p>',
        active: true,
      },
      { sku: 'TEE-ORG-L-CHA', name: 'Organic Cotton Tee', description: tee, active: true },
      { sku: 'TEE-ORG-M-NAT', name: 'Organic Cotton Tee', description: tee, active: true },
      { sku: 'TEE-ORG-S-NAT', name: 'Organic Cotton Tee', description: tee, active: true },
    ]);
  });

  test('WooCommerce: \\n becomes a line break; private (0) and draft (-1) products are inactive', async () => {
    const final = await importFile(
      files.database,
      'wc-product-export-30-11-2026.csv',
      corpusFile('woocommerce-products.csv'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      format: { profile: 'woocommerce' },
      mapping: { sku: 'SKU', name: 'Name', description: 'Description', active: 'Published' },
      created: 6,
      invalid: 0,
    });
    const products = await productsBySku(files.database.sql);
    expect(products.find((p) => p.sku === 'LMP-ARC-01')).toEqual({
      sku: 'LMP-ARC-01',
      name: 'Arc Floor Lamp',
      description: 'The Arc lamp reaches over your sofa.\n\nHeight: 190 cm\nBulb: E27, max. 60 W',
      active: true,
    });
    expect(products.filter((p) => !p.active).map((p) => p.sku)).toEqual([
      'CHR-WIRE-02',
      'DSK-OAK-120',
    ]);
    expect(products.find((p) => p.sku === 'HOOD-ORG')?.description).toBe(
      'Brushed fleece inside, "garment-dyed" outside.\nPre-shrunk.',
    );
  });

  test('Amazon listings report: tab-separated, seller-sku and item-name', async () => {
    const final = await importFile(
      files.database,
      'All+Listings+Report.txt',
      corpusFile('amazon-all-listings.txt'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      format: { delimiter: '\t', profile: 'amazon' },
      mapping: { sku: 'seller-sku', name: 'item-name', description: 'item-description' },
      created: 3,
    });
    expect((await productsBySku(files.database.sql)).map(({ sku, name }) => [sku, name])).toEqual([
      ['AC-BTL-750-SS', 'Acme Stainless Steel Water Bottle, 750 ml, Leak-Proof'],
      ['AC-CUT-BMB-3', 'Acme Bamboo Cutting Board Set (3 pcs)'],
      ['AC-SKL-26', 'Acme Cast Iron Skillet 26 cm "pre-seasoned"'],
    ]);
  });
});

describe('files with their own column names', () => {
  test('a German supplier file (Windows-1252, semicolons) maps itself; ja/nein read as active', async () => {
    const final = await importFile(
      files.database,
      'Artikelliste.csv',
      corpusFile('supplier-de-artikel.csv'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      format: { encoding: 'windows-1252', delimiter: ';', profile: null },
      columns: ['Artikelnummer', 'Bezeichnung', 'Beschreibung', 'EK-Preis', 'Lieferant', 'Aktiv'],
      mapping: {
        sku: 'Artikelnummer',
        name: 'Bezeichnung',
        description: 'Beschreibung',
        active: 'Aktiv',
      },
      warnings: ['Ignored unknown columns: EK-Preis, Lieferant'],
      created: 4,
      invalid: 0,
    });
    expect(await productsBySku(files.database.sql)).toEqual([
      {
        sku: '10-4711',
        name: 'Wasserkocher Edelstahl 1,7 l',
        description: 'Mit Kalkfilter und Abschaltautomatik',
        active: true,
      },
      { sku: '10-4712', name: 'Toaster "Classic" 2 Scheiben', description: '', active: false },
      {
        sku: '10-4713',
        name: 'Brotmesser, Wellenschliff 20 cm',
        description: 'Klinge aus rostfreiem Stahl',
        active: true,
      },
      // An empty Aktiv cell: a new product is active.
      {
        sku: '10-4714',
        name: 'Schneidebrett Eiche groß',
        description: 'Geölt, lebensmittelecht',
        active: true,
      },
    ]);
  });

  test('a price list with title lines above its header: they are skipped, said in a warning', async () => {
    const content = corpusFile('supplier-price-list-title.csv');
    const id = await storeFile(files.database.sql, 'Preisliste.csv', content);
    // The upload route checks a given mapping against this header: the same one the import reads.
    expect(await readStoredHeader(files.database.sql, id, 1_048_576)).toEqual([
      'Artikelnummer',
      'Bezeichnung',
      'Beschreibung',
      'EK-Preis',
      'VE',
      'Aktiv',
    ]);
    const final = await waitForFinal(files.database, id);
    expect(final).toMatchObject({
      status: 'completed',
      format: { encoding: 'windows-1252', delimiter: ';' },
      mapping: {
        sku: 'Artikelnummer',
        name: 'Bezeichnung',
        description: 'Beschreibung',
        active: 'Aktiv',
      },
      warnings: [
        'Skipped 2 title lines above the header (lines 1–2): "Preisliste Herbst 2026", "Muster Haushaltswaren GmbH, Köln – gültig ab 1. Oktober"',
        'Ignored unknown columns: EK-Preis, VE',
      ],
      created: 3,
      invalid: 0,
      blank: 1, // line 3, empty cells between the title and the header
      rowsProcessed: 4,
    });
    expect(await productsBySku(files.database.sql)).toEqual([
      {
        sku: '20-1001',
        name: 'Teekanne Glas 1,2 l',
        description: 'Mit Edelstahlsieb',
        active: true,
      },
      { sku: '20-1002', name: 'Milchkännchen', description: '', active: false },
      {
        sku: '20-1003',
        name: 'Tasse "Café" 0,3 l',
        description: 'Spülmaschinenfest',
        active: true,
      },
    ]);
  });

  test('title lines without delimiters; a file of one-cell lines keeps its first line as the header', async () => {
    const titled = await importFile(
      files.database,
      'export.csv',
      'Product export\nGenerated 2026-11-30 08:00\nsku,name\nT-1,Teapot\nT-2,Cup\n',
    );
    expect(titled).toMatchObject({ status: 'completed', created: 2, invalid: 0 });
    expect(titled.warnings).toEqual([
      'Skipped 2 title lines above the header (lines 1–2): "Product export", "Generated 2026-11-30 08:00"',
    ]);
    // No delimiter in the title lines (one holds a comma): the delimiter is sniffed below them.
    const semicolons = await importFile(
      files.database,
      'preise.csv',
      'Preisliste\r\nMuster GmbH, Köln\r\nArtikelnummer;Bezeichnung\r\n20-1;Teekanne Glas 1,2 l\r\n20-2;Tasse\r\n',
    );
    expect(semicolons).toMatchObject({
      status: 'completed',
      format: { delimiter: ';' },
      created: 2,
      invalid: 0,
      warnings: [
        'Skipped 2 title lines above the header (lines 1–2): "Preisliste", "Muster GmbH, Köln"',
      ],
    });
    // A row of the file is never taken for a title: line 4 has one empty cell, and is invalid.
    const rows = await importFile(files.database, 'rows.csv', 'sku,name\nT-3,Saucer\nT-4,\n');
    expect(rows).toMatchObject({ status: 'completed', created: 1, invalid: 1, warnings: [] });
    // No header anywhere: the first line is the header, and the failure names it.
    const single = await importFile(files.database, 'list.csv', 'sku\nT-5\nT-6\n');
    expect(single).toMatchObject({ status: 'failed' });
    expect(single.error).toMatch(/^The header has no "name" column \(found: "sku"\)/);
  });

  test('a remembered mapping (same columns, any order) applies to the next file, with values mapped by hand', async () => {
    const file = corpusFile('supplier-own-columns.csv');
    const columns = ['Art.', 'Text', 'Langtext', 'Lieferbar', 'VK brutto'];
    await rememberMapping(files.database.sql, columns, {
      sku: 'Art.',
      name: 'Text',
      description: 'Langtext',
      active: 'Lieferbar',
      activeValues: { lieferbar: true, 'nicht lieferbar': false },
    });
    expect(
      await rememberedMapping(files.database.sql, headerSignature([...columns].reverse())),
    ).toMatchObject({
      sku: 'Art.',
    });
    const final = await importFile(files.database, 'Preisliste-KW48.csv', file);
    expect(final).toMatchObject({
      status: 'completed',
      mapping: { sku: 'Art.', name: 'Text', description: 'Langtext', active: 'Lieferbar' },
      created: 3,
      invalid: 0,
    });
    expect(await productsBySku(files.database.sql)).toEqual([
      {
        sku: 'SUP-001',
        name: 'Espressotasse 2er-Set',
        description: 'Porzellan mit Goldrand',
        active: true,
      },
      { sku: 'SUP-002', name: 'Milchkännchen 0.3 l', description: '', active: false },
      { sku: 'SUP-003', name: 'Zuckerdose mit Deckel', description: 'Porzellan', active: true },
    ]);
  });

  test('without a remembered mapping the same file fails, naming the columns found and the closest candidates', async () => {
    const final = await importFile(
      files.database,
      'Preisliste-KW48.csv',
      corpusFile('supplier-own-columns.csv'),
    );
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(
      /^The header has no "sku" or "name" column \(found: "Art\.", "Text", "Langtext", "Lieferbar", "VK brutto"\)\. Closest candidates: /,
    );
  });

  test('an unmappable file fails before anything is written; its columns and suggestions are kept', async () => {
    await importFile(files.database, 'before.csv', 'sku,name\nKEEP-1,Kept\n');
    const final = await importFile(
      files.database,
      'tarifs.csv',
      corpusFile('unmappable-columns.csv'),
    );
    expect(final.status).toBe('failed');
    expect(final.error).toBe(
      'The header has no "sku" or "name" column (found: "Code", "Libel", "Prix HT", "Stock"). ' +
        'Closest candidates: sku: "Code" (69 %), "Stock" (66 %); name: "Libel" (64 %), "Code" (45 %). ' +
        'The first line must name the columns: sku and name are required, description and active optional; ' +
        'other names can be mapped (the upload\'s "mapping" field).',
    );
    expect(final).toMatchObject({ columns: ['Code', 'Libel', 'Prix HT', 'Stock'], mapping: null });
    expect(final.suggestions?.find((s) => s.field === 'sku')).toMatchObject({
      column: null,
      candidates: [
        { column: 'Code', confidence: 0.69 },
        { column: 'Stock', confidence: 0.66 },
      ],
    });
    expect(await productsBySku(files.database.sql)).toEqual([
      { sku: 'KEEP-1', name: 'Kept', description: '', active: true },
    ]);
    expect(await errorsOf(files.database.sql, final.id)).toEqual([]);
  });
});
