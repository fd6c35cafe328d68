import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import type { TImport } from '@acme/shared';
import { renderWithApi } from '../test-utils.tsx';
import { ImportHistory } from './import-history.tsx';
import { ImportView } from './import-view.tsx';
import { UPLOAD_INPUT_ID } from './upload-card.tsx';
import {
  cancelledInReview,
  changedFields,
  closestSuggestion,
  fieldSourceText,
  initialDraft,
  isReviewing,
  mappingOf,
  missingFields,
  notUnderstoodText,
  retryLabel,
  withActiveValue,
} from './review.ts';

const ID = '7c1e0d8e-8a40-4c1e-9f57-0000000000aa';

/** A Shopify export waiting for review, mapped by its profile, with a preview. */
const shopify: TImport = {
  id: ID,
  filename: 'products_export_1.csv',
  status: 'review',
  error: null,
  bytesTotal: 4096,
  bytesProcessed: 4096,
  rowsProcessed: 9,
  created: 0,
  updated: 0,
  unchanged: 0,
  invalid: 1,
  duplicates: 0,
  blank: 2,
  format: { encoding: 'utf-8', delimiter: ',', compression: null, profile: 'shopify' },
  columns: ['Handle', 'Title', 'Body (HTML)', 'Variant SKU', 'Status', 'Vendor'],
  mapping: { sku: 'Variant SKU', name: 'Title', description: 'Body (HTML)', active: 'Status' },
  mappingSource: 'profile',
  suggestions: [
    { field: 'sku', column: 'Variant SKU', confidence: 1, candidates: [] },
    { field: 'name', column: 'Title', confidence: 1, candidates: [] },
    { field: 'description', column: 'Body (HTML)', confidence: 1, candidates: [] },
    { field: 'active', column: 'Status', confidence: 1, candidates: [] },
  ],
  rowsPerSecond: 0,
  percent: 100,
  phase: null,
  rowsToWrite: 0,
  rowsWritten: 0,
  interruptions: [],
  warnings: [],
  cancelRequested: false,
  review: true,
  preview: { created: 5, updated: 1, unchanged: 0, invalid: 1, duplicates: 0, blank: 2 },
  confirmedAt: null,
  attempts: 1,
  version: 7,
  createdAt: new Date('2026-01-01T10:00:00Z'),
  startedAt: new Date('2026-01-01T10:00:01Z'),
  finishedAt: null,
  revertibleUntil: null,
  revertedAt: null,
};

/** A supplier's file whose SKU column nothing recognises: waits in review without a preview. */
const unmapped: TImport = {
  ...shopify,
  filename: 'lieferant.csv',
  format: { encoding: 'windows-1252', delimiter: ';', compression: null, profile: null },
  columns: ['Art.', 'Bezeichnung', 'Lieferbar'],
  mapping: null,
  mappingSource: null,
  suggestions: [
    { field: 'sku', column: null, confidence: 0, candidates: [] },
    {
      field: 'name',
      column: 'Bezeichnung',
      confidence: 0.95,
      candidates: [{ column: 'Bezeichnung', confidence: 0.95 }],
    },
    { field: 'description', column: null, confidence: 0, candidates: [] },
    { field: 'active', column: null, confidence: 0, candidates: [] },
  ],
  preview: null,
  invalid: 0,
  blank: 0,
};

const sample = {
  items: [
    {
      line: 2,
      sku: 'TEE-ORG-S-NAT',
      name: 'Organic Cotton Tee',
      description: '<p>Soft</p>',
      active: true,
    },
  ],
};

/** The Shopify export's Status values: all understood. */
const statusValues = {
  column: 'Status',
  items: [
    { value: 'active', rows: 5, active: true },
    { value: 'draft', rows: 1, active: false },
  ],
  more: false,
};

function fakeImports(state: TImport, more: Record<string, unknown> = {}) {
  return {
    imports: {
      byId: { query: vi.fn().mockResolvedValue(state) },
      sample: { query: vi.fn().mockResolvedValue(sample) },
      changes: { query: vi.fn().mockResolvedValue({ items: [], total: 0, page: 1, pageSize: 20 }) },
      activeValues: { query: vi.fn().mockResolvedValue(statusValues) },
      ...more,
    },
  };
}

describe('review helpers', () => {
  it('treats an unconfirmed import uploaded for review as a review while it reads or waits', () => {
    expect(isReviewing(shopify)).toBe(true);
    expect(isReviewing({ ...shopify, status: 'parsing' })).toBe(true);
    expect(isReviewing({ ...shopify, status: 'queued', confirmedAt: new Date() })).toBe(false);
    expect(isReviewing({ ...shopify, status: 'cancelled' })).toBe(false);
    expect(isReviewing({ ...shopify, review: false, status: 'parsing' })).toBe(false);
  });

  it('starts the selects from the mapping, else from the suggestions, and says what is missing', () => {
    expect(initialDraft(shopify)).toEqual(shopify.mapping);
    expect(initialDraft(unmapped)).toEqual({ name: 'Bezeichnung' });
    expect(missingFields(initialDraft(unmapped))).toEqual(['sku']);
    expect(mappingOf({ name: 'Bezeichnung' }, null)).toBeNull();
  });

  it('keeps hand-mapped active values while the active column stays', () => {
    const current = { sku: 'Art.', name: 'Text', active: 'Lieferbar', activeValues: { ja: true } };
    expect(mappingOf({ sku: 'Art.', name: 'Text', active: 'Lieferbar' }, current)).toEqual(current);
    expect(mappingOf({ sku: 'Art.', name: 'Bezeichnung' }, current)).toEqual({
      sku: 'Art.',
      name: 'Bezeichnung',
    });
  });

  it('maps an active value by hand over an earlier spelling, and says what values not understood cost', () => {
    const current = {
      sku: 'Art.',
      name: 'Text',
      active: 'Status',
      activeValues: { ONLINE: false },
    };
    expect(withActiveValue(current, ' Online ', true)).toEqual({
      ...current,
      activeValues: { Online: true },
    });
    expect(withActiveValue({ sku: 'Art.', name: 'Text' }, 'x', false).activeValues).toEqual({
      x: false,
    });
    expect(notUnderstoodText([{ value: 'Online', rows: 1200 }])).toBe(
      '"Online" is not understood: 1,200 rows will be invalid. Choose whether it means active or inactive.',
    );
    expect(notUnderstoodText(['a', 'b', 'c', 'd'].map((value) => ({ value, rows: 1 })))).toMatch(
      /^"a", "b", "c" and 1 more are not understood: 4 rows will be invalid\. Choose whether each/,
    );
  });

  it('says how each column was chosen', () => {
    const matched: TImport = {
      ...unmapped,
      mapping: { sku: 'Artikelnr', name: 'Bezeichnung' },
      mappingSource: 'matched',
      suggestions: [
        {
          field: 'sku',
          column: 'Artikelnr',
          confidence: 0.92,
          candidates: [{ column: 'Artikelnr', confidence: 0.92 }],
        },
        {
          field: 'name',
          column: 'Bezeichnung',
          confidence: 0.95,
          candidates: [{ column: 'Bezeichnung', confidence: 0.95 }],
        },
      ],
    };
    expect(fieldSourceText(matched, 'sku')).toBe('matched 92 %');
    expect(fieldSourceText(matched, 'name')).toBe('matched 95 %');
    expect(fieldSourceText(matched, 'description')).toBeNull();
    expect(fieldSourceText({ ...matched, mappingSource: 'remembered' }, 'sku')).toBe('remembered');
    expect(fieldSourceText({ ...matched, mappingSource: 'given' }, 'sku')).toBe('chosen');
    expect(fieldSourceText(shopify, 'sku')).toBe('profile');
  });

  it('names the closest column of a field left without one, and none for a mapped field', () => {
    const near: TImport = {
      ...unmapped,
      suggestions: [
        {
          field: 'sku',
          column: null,
          confidence: 0,
          candidates: [
            { column: 'Art.-Code', confidence: 0.618 },
            { column: 'Lieferbar', confidence: 0.41 },
          ],
        },
        ...unmapped.suggestions!.slice(1),
      ],
    };
    expect(closestSuggestion(near, 'sku')).toEqual({ column: 'Art.-Code', percent: 62 });
    expect(closestSuggestion(near, 'name')).toBeNull();
    expect(closestSuggestion(near, 'description')).toBeNull();
  });

  it('lists the fields an update changes, before and after', () => {
    const before = { sku: 'A-1', name: 'Kettle', description: 'Steel', active: true };
    expect(changedFields(before, { ...before, name: 'Kettle 2', active: false })).toEqual([
      { field: 'name', before: 'Kettle', after: 'Kettle 2' },
      { field: 'active', before: 'active', after: 'inactive' },
    ]);
  });
});

describe('ImportView: review', () => {
  it('shows how the file was read, the columns, the counts and the first rows, then confirms', async () => {
    const confirmed: TImport = { ...shopify, status: 'queued', confirmedAt: new Date() };
    const confirm = vi.fn().mockResolvedValue(confirmed);
    const fake = fakeImports(shopify, { confirm: { mutate: confirm } });
    // The server's answer once confirmed.
    confirm.mockImplementation(() => {
      fake.imports.byId.query.mockResolvedValue(confirmed);
      return Promise.resolve(confirmed);
    });
    renderWithApi(() => <ImportView id={ID} />, fake);

    await screen.findByRole('heading', { name: 'Review the import' });
    expect(screen.getByText('products_export_1.csv')).toBeTruthy();
    expect(screen.getByText('UTF-8')).toBeTruthy();
    expect(screen.getByText('comma')).toBeTruthy();
    expect(screen.getByText('Shopify products export')).toBeTruthy();

    const sku = screen.getByLabelText<HTMLSelectElement>(/^SKU/);
    expect(sku.value).toBe('Variant SKU');
    expect(screen.getByLabelText<HTMLSelectElement>(/^Description/).value).toBe('Body (HTML)');
    expect(screen.getAllByText('profile')).toHaveLength(4);
    // Optional fields can be left out; required ones cannot.
    expect(within(screen.getByLabelText(/^Active/)).getByText('not imported')).toBeTruthy();
    expect(within(sku).queryByText('not imported')).toBeNull();

    const counts = screen.getByTestId('preview-counts');
    const count = (label: string) =>
      within(counts).getByText(label, { exact: true }).nextElementSibling?.textContent;
    expect(count('New')).toBe('5');
    expect(count('Updated')).toBe('1');
    expect(count('Invalid')).toBe('1');
    expect(count('Blank')).toBe('2');

    await screen.findByText('TEE-ORG-S-NAT');
    expect(fake.imports.sample.query).toHaveBeenCalledWith({ id: ID }, expect.anything());

    fireEvent.click(screen.getByRole('button', { name: 'Confirm import' }));
    await waitFor(() => expect(confirm).toHaveBeenCalledWith({ id: ID }));
    // Confirmed: the same place now follows the import's progress.
    await screen.findByRole('heading', { name: 'Confirmed, waiting to write' });
  });

  it('asks for the SKU column when none fits, with Confirm disabled, and re-reads once chosen', async () => {
    const rereading: TImport = {
      ...unmapped,
      status: 'parsing',
      phase: 'reading',
      percent: 40,
      rowsProcessed: 120,
      mapping: { sku: 'Art.', name: 'Bezeichnung' },
      version: 8,
    };
    const remap = vi.fn().mockResolvedValue(rereading);
    renderWithApi(
      () => <ImportView id={ID} />,
      fakeImports(unmapped, { remap: { mutate: remap } }),
    );

    await screen.findByText('Choose the column that holds the SKU.');
    const confirm = screen.getByRole<HTMLButtonElement>('button', { name: 'Confirm import' });
    expect(confirm.disabled).toBe(true);
    expect(confirm.getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.queryByTestId('preview-counts')).toBeNull();
    expect(screen.getByLabelText<HTMLSelectElement>(/^Name/).value).toBe('Bezeichnung');

    fireEvent.change(screen.getByLabelText(/^SKU/), { target: { value: 'Art.' } });
    await waitFor(() =>
      expect(remap).toHaveBeenCalledWith({ id: ID, mapping: { sku: 'Art.', name: 'Bezeichnung' } }),
    );
    // The file is read again: progress, the selects wait, Confirm stays off.
    await screen.findByRole('progressbar', { name: 'Reading progress' });
    expect(screen.getByText('Reading the file')).toBeTruthy();
    expect(screen.getByLabelText<HTMLSelectElement>(/^SKU/).disabled).toBe(true);
    expect(confirm.disabled).toBe(true);
  });

  it('shows the closest column of an unmapped field with its confidence, until a column is chosen', async () => {
    const near: TImport = {
      ...unmapped,
      columns: ['Art.-Code', 'Bezeichnung', 'Lieferbar'],
      suggestions: [
        {
          field: 'sku',
          column: null,
          confidence: 0,
          candidates: [{ column: 'Art.-Code', confidence: 0.62 }],
        },
        ...unmapped.suggestions!.slice(1),
      ],
    };
    const remap = vi.fn().mockResolvedValue({ ...near, status: 'queued', version: 8 });
    renderWithApi(() => <ImportView id={ID} />, fakeImports(near, { remap: { mutate: remap } }));
    const suggested = await screen.findByTestId('suggested-sku');
    expect(suggested.textContent).toBe('suggested 62 %: Art.-Code');
    expect(suggested.title).toMatch(/too unsure to map by itself/);
    // A field with neither a column nor a candidate says only that it is not imported.
    expect(screen.queryByTestId('suggested-description')).toBeNull();
    fireEvent.change(screen.getByLabelText(/^SKU/), { target: { value: 'Art.-Code' } });
    await waitFor(() => expect(screen.queryByTestId('suggested-sku')).toBeNull());
  });

  it('changing a column re-reads the file with the new mapping; "not imported" leaves a field out', async () => {
    const remap = vi.fn().mockResolvedValue({ ...shopify, status: 'queued', version: 8 });
    renderWithApi(() => <ImportView id={ID} />, fakeImports(shopify, { remap: { mutate: remap } }));
    const description = await screen.findByLabelText<HTMLSelectElement>(/^Description/);
    fireEvent.change(description, { target: { value: '' } });
    await waitFor(() =>
      expect(remap).toHaveBeenCalledWith({
        id: ID,
        mapping: { sku: 'Variant SKU', name: 'Title', active: 'Status' },
      }),
    );
  });

  it("shows the active column's values, flags those not understood, and maps one by hand", async () => {
    const supplier: TImport = {
      ...shopify,
      format: { encoding: 'utf-8', delimiter: ';', compression: null, profile: null },
      columns: ['Artikelnummer', 'Bezeichnung', 'Status'],
      mapping: { sku: 'Artikelnummer', name: 'Bezeichnung', active: 'Status' },
      mappingSource: 'matched',
      preview: { created: 2, updated: 0, unchanged: 0, invalid: 3, duplicates: 0, blank: 0 },
    };
    const values = {
      column: 'Status',
      items: [
        { value: 'Online', rows: 2, active: null },
        { value: 'ja', rows: 1, active: true },
        { value: 'Offline', rows: 1, active: null },
      ],
      more: false,
    };
    const remap = vi.fn().mockResolvedValue({ ...supplier, status: 'queued', version: 8 });
    renderWithApi(
      () => <ImportView id={ID} />,
      fakeImports(supplier, {
        remap: { mutate: remap },
        activeValues: { query: vi.fn().mockResolvedValue(values) },
      }),
    );
    const table = await screen.findByRole('table', { name: 'Values of Status' });
    expect(screen.getByTestId('active-values-unknown').textContent).toBe(
      '"Online", "Offline" are not understood: 3 rows will be invalid. Choose whether each means active or inactive.',
    );
    expect(within(table).getAllByText('not understood')).toHaveLength(2);
    expect(within(table).getByLabelText<HTMLSelectElement>('Read "ja" as').value).toBe('true');
    const online = within(table).getByLabelText<HTMLSelectElement>('Read "Online" as');
    expect(online.value).toBe('');
    fireEvent.change(online, { target: { value: 'true' } });
    await waitFor(() =>
      expect(remap).toHaveBeenCalledWith({
        id: ID,
        mapping: { ...supplier.mapping, activeValues: { Online: true } },
      }),
    );
    // The file is read again with it: the selects wait.
    await screen.findByRole('progressbar', { name: 'Reading progress' });
  });

  it('lists the changes of a kind once expanded, an update field by field', async () => {
    const changes = vi.fn().mockResolvedValue({
      items: [
        {
          line: 4,
          sku: 'MUG-1',
          before: { sku: 'MUG-1', name: 'Mug', description: '', active: true },
          after: { sku: 'MUG-1', name: 'Enamel mug', description: '', active: true },
          error: null,
        },
      ],
      total: 1,
      page: 1,
      pageSize: 20,
    });
    renderWithApi(
      () => <ImportView id={ID} />,
      fakeImports(shopify, { changes: { query: changes } }),
    );
    const summary = await screen.findByText('1 updated product');
    expect(changes).not.toHaveBeenCalled();
    expect(screen.getByText('No unchanged products.')).toBeTruthy();
    fireEvent.click(summary);
    const details = summary.closest('details')!;
    details.open = true;
    fireEvent(details, new Event('toggle'));
    await screen.findByText('Enamel mug');
    expect(changes).toHaveBeenCalledWith(
      { id: ID, kind: 'updated', page: 1, pageSize: 20 },
      expect.anything(),
    );
    expect(within(details).getByText('Mug').closest('del')).toBeTruthy();
    expect(within(details).getByText('Enamel mug').closest('ins')).toBeTruthy();
  });

  it('cancels only after a confirmation that Escape dismisses', async () => {
    const cancelled: TImport = {
      ...shopify,
      status: 'cancelled',
      finishedAt: new Date('2026-01-01T10:01:00Z'),
    };
    const fake = fakeImports(shopify);
    const cancel = vi.fn(() => {
      fake.imports.byId.query.mockResolvedValue(cancelled);
      return Promise.resolve(cancelled);
    });
    renderWithApi(() => <ImportView id={ID} />, {
      imports: { ...fake.imports, cancel: { mutate: cancel } },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel import' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(document.activeElement?.textContent).toBe('Keep reviewing');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(cancel).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Cancel import' }));
    const again = await screen.findByRole('alertdialog');
    fireEvent.click(within(again).getByRole('button', { name: 'Cancel import' }));
    await waitFor(() => expect(cancel).toHaveBeenCalledWith({ id: ID }));
    await screen.findByRole('heading', { name: 'Review cancelled' });
  });
});

describe('ImportView: a cancelled review', () => {
  const cancelled: TImport = {
    ...shopify,
    status: 'cancelled',
    cancelRequested: true,
    percent: 100,
    finishedAt: new Date('2026-01-01T10:01:00Z'),
  };

  it('says nothing was written, shows no progress, and reviews the stored file again', async () => {
    const fake = fakeImports(cancelled);
    const retry = vi.fn(() => {
      const queued: TImport = { ...shopify, status: 'queued', preview: null, version: 9 };
      fake.imports.byId.query.mockResolvedValue(queued);
      return Promise.resolve(queued);
    });
    renderWithApi(() => <ImportView id={ID} />, {
      imports: { ...fake.imports, retry: { mutate: retry } },
    });
    await screen.findByRole('heading', { name: 'Review cancelled' });
    expect(screen.getByText(/nothing from/i).textContent).toBe(
      'Cancelled before it was confirmed: nothing from products_export_1.csv was written, and the catalogue is as it was.',
    );
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByText('Created')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Review again' }));
    await waitFor(() => expect(retry).toHaveBeenCalledWith({ id: ID }));
    // retry stops in review again: the same place reads the file, as a review.
    await screen.findByRole('heading', { name: 'Review the import' });
  });

  it('"Upload another file" opens the upload card\'s file chooser', async () => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = UPLOAD_INPUT_ID;
    const opened = vi.fn();
    input.addEventListener('click', opened);
    document.body.append(input);
    try {
      renderWithApi(() => <ImportView id={ID} />, fakeImports(cancelled));
      fireEvent.click(await screen.findByRole('button', { name: 'Upload another file' }));
      expect(opened).toHaveBeenCalledOnce();
    } finally {
      input.remove();
    }
  });

  it('offers "Review again" for a reviewed import that failed, "Retry" for one without review', () => {
    expect(retryLabel(cancelled)).toBe('Review again');
    expect(retryLabel({ review: false })).toBe('Retry');
    expect(cancelledInReview(cancelled)).toBe(true);
    expect(cancelledInReview({ ...cancelled, confirmedAt: new Date() })).toBe(false);
    expect(cancelledInReview({ ...cancelled, review: false })).toBe(false);
  });
});

describe('ImportHistory: an import waiting for review', () => {
  it('shows status review and a Review action that opens it', async () => {
    const onSelect = vi.fn();
    renderWithApi(() => <ImportHistory selectedId={undefined} onSelect={onSelect} />, {
      imports: {
        list: {
          query: vi.fn().mockResolvedValue({ items: [shopify], total: 1, page: 1, pageSize: 10 }),
        },
      },
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Review import products_export_1.csv' }),
    );
    expect(onSelect).toHaveBeenCalledWith(ID);
    expect(screen.getByText('review')).toBeTruthy();
  });
});
