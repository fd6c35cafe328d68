import { fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { TRPCClientError } from '@trpc/client';
import { createSignal } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { Toaster } from 'solid-sonner';
import { useRefetchOnReconnect } from '../api/refetch-on-reconnect.ts';
import { renderWithApi } from '../test-utils.tsx';
import { EditableCell, type CellEdit } from './editable-cell.tsx';
import { ProductsPage } from './products-page.tsx';

function Cell(props: { onSave: (value: string) => Promise<void> }) {
  const [edit, setEdit] = createSignal<CellEdit | null>(null);
  return (
    <EditableCell
      label="Name"
      value="Widget"
      validate={(value) => (value.trim() ? null : 'name is required')}
      onSave={props.onSave}
      edit={edit()}
      onEdit={setEdit}
    />
  );
}

const RESTORE_ID = '5b1f4a3e-9c2d-4e8f-a1b2-000000000001';

/** The products page with its toasts, and products.undoWindow answering `undoDays` (7). */
function renderPageWithToasts(
  products: Record<string, unknown>,
  { undoDays = 7, url }: { undoDays?: number; url?: string } = {},
) {
  return renderWithApi(
    () => (
      <>
        <ProductsPage />
        <Toaster />
      </>
    ),
    { products: { ...products, undoWindow: { query: () => Promise.resolve({ days: undoDays }) } } },
    url === undefined ? {} : { url },
  );
}

describe('EditableCell', () => {
  it('saves on Enter and cancels on Escape', () => {
    const onSave = vi.fn().mockResolvedValue(undefined);
    render(() => <Cell onSave={onSave} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit Name: Widget' }));
    const input = screen.getByLabelText<HTMLInputElement>('Name');
    fireEvent.input(input, { target: { value: 'Gadget' } });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.queryByLabelText('Name')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Edit Name: Widget' }));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Gadget' } });
    fireEvent.keyDown(screen.getByLabelText('Name'), { key: 'Enter' });
    expect(onSave).toHaveBeenCalledWith('Gadget');
  });

  it('refuses invalid input in place without saving', () => {
    const onSave = vi.fn();
    render(() => <Cell onSave={onSave} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit Name: Widget' }));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: '  ' } });
    fireEvent.keyDown(screen.getByLabelText('Name'), { key: 'Enter' });
    expect(screen.getByRole('alert').textContent).toBe('name is required');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
    expect(onSave).not.toHaveBeenCalled();
  });

  it('reopens with the value and the reason when the server refuses it', async () => {
    render(() => <Cell onSave={() => Promise.reject(new Error('sku already exists'))} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit Name: Widget' }));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Taken' } });
    fireEvent.keyDown(screen.getByLabelText('Name'), { key: 'Enter' });
    expect((await screen.findByRole('alert')).textContent).toBe('sku already exists');
    expect(screen.getByLabelText<HTMLInputElement>('Name').value).toBe('Taken');
  });
});

const product = (id: number, name: string) => ({
  id,
  sku: `SKU-${id}`,
  name,
  description: '',
  active: true,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
});

describe('ProductsPage', () => {
  it('shows the empty state, and the error state with a retry', async () => {
    const list = vi
      .fn()
      .mockRejectedValueOnce(new TRPCClientError('Database is down'))
      .mockResolvedValue({ items: [], total: 0, page: 1, pageSize: 25 });
    renderWithApi(() => <ProductsPage />, { products: { list: { query: list } } });
    expect((await screen.findByRole('alert')).textContent).toContain('Database is down');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    const importLink = await screen.findByRole('link', { name: 'Import a file' });
    expect(importLink.getAttribute('href')).toBe('/imports');
    expect(importLink.closest('.state')?.textContent).toBe(
      'No products yet. Import a file or create one.',
    );
    expect(screen.getByRole('button', { name: 'Delete all' }).hasAttribute('disabled')).toBe(true);
  });

  it('debounces the filters into one query with the typed text', async () => {
    const list = vi
      .fn()
      .mockResolvedValue({ items: [product(1, 'Widget')], total: 1, page: 1, pageSize: 25 });
    renderWithApi(() => <ProductsPage />, { products: { list: { query: list } } });
    await screen.findByText('1 product · page 1 of 1');
    const sku = screen.getByLabelText('SKU');
    for (const text of ['a', 'ab', 'abc']) fireEvent.input(sku, { target: { value: text } });
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        expect.objectContaining({ sku: 'abc', page: 1 }),
        expect.anything(),
      ),
    );
    expect(
      list.mock.calls.filter(([input]) => (input as { sku?: string }).sku !== undefined),
    ).toHaveLength(1);
  });

  it('shows that a new filter is fetching: the old rows dimmed under a progress bar', async () => {
    let answer: (page: unknown) => void = () => {};
    const list = vi
      .fn()
      .mockResolvedValueOnce({ items: [product(1, 'Widget')], total: 1, page: 1, pageSize: 25 })
      .mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    renderWithApi(() => <ProductsPage />, { products: { list: { query: list } } });
    await screen.findByText('1 product · page 1 of 1');
    expect(screen.queryByRole('progressbar', { name: 'Loading' })).toBeNull();
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'gadget' } });
    await screen.findByRole('progressbar', { name: 'Loading' });
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('SKU-1')).toBeTruthy(); // the old rows stay meanwhile
    answer({ items: [product(2, 'Gadget')], total: 1, page: 1, pageSize: 25 });
    await screen.findByText('SKU-2');
    expect(screen.queryByRole('progressbar', { name: 'Loading' })).toBeNull();
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('false');
  });

  it('shows an edit at once and rolls it back when the server refuses it', async () => {
    const list = vi
      .fn()
      .mockResolvedValue({ items: [product(1, 'Widget')], total: 1, page: 1, pageSize: 25 });
    let refuse: (error: Error) => void = () => {};
    const update = vi.fn(() => new Promise((_, reject) => (refuse = reject)));
    renderWithApi(() => <ProductsPage />, {
      products: { list: { query: list }, update: { mutate: update } },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Name of SKU-1: Widget' }));
    fireEvent.input(screen.getByLabelText('Name of SKU-1'), { target: { value: 'Gadget' } });
    fireEvent.keyDown(screen.getByLabelText('Name of SKU-1'), { key: 'Enter' });
    // Optimistic: the new value shows while the request runs.
    await screen.findByRole('button', { name: 'Edit Name of SKU-1: Gadget' });
    expect(update).toHaveBeenCalledWith({ id: 1, name: 'Gadget' });
    refuse(new TRPCClientError('name must be at most 1000 characters'));
    // Rolled back, and the editor is open again with the server's reason.
    expect((await screen.findByRole('alert')).textContent).toContain(
      'name must be at most 1000 characters',
    );
    expect(screen.queryByRole('button', { name: 'Edit Name of SKU-1: Gadget' })).toBeNull();
  });

  it('deletes all products only after "Are you sure?"', async () => {
    const list = vi
      .fn()
      .mockResolvedValue({ items: [product(1, 'Widget')], total: 1, page: 1, pageSize: 25 });
    const deleteAll = vi.fn().mockResolvedValue({ deleted: 1, restoreId: RESTORE_ID });
    const restore = vi.fn().mockResolvedValue({ restored: 1, skipped: 0 });
    renderPageWithToasts({
      list: { query: list },
      deleteAll: { mutate: deleteAll },
      restore: { mutate: restore },
    });
    await screen.findByText('1 product · page 1 of 1');
    fireEvent.click(screen.getByRole('button', { name: 'Delete all' }));
    await screen.findByText(
      'Are you sure? You can undo it for 7 days, from the message that follows.',
    );
    expect(deleteAll).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete all products' }));
    await waitFor(() => expect(deleteAll).toHaveBeenCalledWith({ confirm: true }));
    // the toast's Undo restores what went
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(restore).toHaveBeenCalledWith({ restoreId: RESTORE_ID }));
    await screen.findByText('Restored 1 product');
  });
});

describe('ProductsPage with many products', () => {
  const page = (number: number, total: number, estimate: boolean) => ({
    items: [product(number, `Widget ${number}`)],
    total,
    totalIsEstimate: estimate,
    page: number,
    pageSize: 25,
    nextCursor: `after-${number}`,
    prevCursor: `before-${number}`,
  });

  it('says "about" for an estimated total and counts exactly when asked', async () => {
    const list = vi.fn((input: { exactTotal?: boolean }) =>
      Promise.resolve(input.exactTotal ? page(1, 38_417, false) : page(1, 38_500, true)),
    );
    renderWithApi(
      () => <ProductsPage />,
      { products: { list: { query: list } } },
      {
        url: '/products?name=walnut',
      },
    );
    await screen.findByText('about 38,500 products · page 1 of about 1,540');
    expect(list).toHaveBeenLastCalledWith(
      expect.not.objectContaining({ exactTotal: true }),
      expect.anything(),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Count exactly' }));
    await screen.findByText('38,417 products · page 1 of 1,537');
    expect(list).toHaveBeenLastCalledWith(
      expect.objectContaining({ name: 'walnut', exactTotal: true }),
      expect.anything(),
    );
    expect(screen.queryByRole('button', { name: 'Count exactly' })).toBeNull();
  });

  it('reads Next and Prev from the cursors of the page shown, and jumps by page number', async () => {
    const list = vi.fn((input: { page: number }) =>
      Promise.resolve(page(input.page, 1_000, false)),
    );
    renderWithApi(() => <ProductsPage />, { products: { list: { query: list } } });
    await screen.findByText('1,000 products · page 1 of 40');
    fireEvent.click(screen.getByRole('button', { name: 'Next ›' }));
    await screen.findByRole('button', { name: 'Edit Name of SKU-2: Widget 2' });
    expect(list).toHaveBeenLastCalledWith(
      expect.objectContaining({ page: 2, after: 'after-1' }),
      expect.anything(),
    );
    fireEvent.click(screen.getByRole('button', { name: '‹ Prev' }));
    await screen.findByText('1,000 products · page 1 of 40');
    expect(list).toHaveBeenLastCalledWith(
      expect.objectContaining({ page: 1, before: 'before-2' }),
      expect.anything(),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Page 40' }));
    await screen.findByText('1,000 products · page 40 of 40');
    const [jump] = list.mock.lastCall!;
    expect(jump).toMatchObject({ page: 40 });
    expect(jump).not.toHaveProperty('after');
    expect(jump).not.toHaveProperty('before');
  });
});

describe('ProductsPage in the URL', () => {
  it('starts from the filters, page and sort in the URL', async () => {
    const list = vi
      .fn()
      .mockResolvedValue({ items: [product(1, 'Widget')], total: 60, page: 2, pageSize: 10 });
    renderWithApi(
      () => <ProductsPage />,
      { products: { list: { query: list } } },
      {
        url: '/products?sku=abc&active=inactive&page=2&pageSize=10&sort=name:asc',
      },
    );
    await screen.findByText(/page 2 of 6/);
    expect(list).toHaveBeenCalledWith(
      {
        sku: 'abc',
        name: undefined,
        description: undefined,
        active: false,
        page: 2,
        pageSize: 10,
        sort: { field: 'name', direction: 'asc' },
      },
      expect.anything(),
    );
    expect(screen.getByLabelText<HTMLInputElement>('SKU').value).toBe('abc');
  });

  it('writes a typed filter to the URL, back on page 1, leaving defaults out', async () => {
    const list = vi
      .fn()
      .mockResolvedValue({ items: [product(1, 'Widget')], total: 1, page: 1, pageSize: 25 });
    const { location } = renderWithApi(
      () => <ProductsPage />,
      {
        products: { list: { query: list } },
      },
      { url: '/products?page=3' },
    );
    await screen.findByText(/1 product/);
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'blue kettle' } });
    await waitFor(() => expect(location()).toBe('/products?name=blue+kettle'));
  });

  it('ignores malformed values instead of sending them', async () => {
    const list = vi.fn().mockResolvedValue({ items: [], total: 0, page: 1, pageSize: 25 });
    renderWithApi(
      () => <ProductsPage />,
      { products: { list: { query: list } } },
      {
        url: '/products?page=-4&pageSize=7&sort=secret:up&active=maybe',
      },
    );
    await screen.findByText(/No products/);
    expect(list).toHaveBeenCalledWith(
      expect.objectContaining({
        page: 1,
        pageSize: 25,
        active: undefined,
        sort: { field: 'updatedAt', direction: 'desc' },
      }),
      expect.anything(),
    );
  });
});

describe('ProductsPage bulk actions and export', () => {
  const listOf = () =>
    vi.fn().mockResolvedValue({
      items: [product(1, 'Blue kettle'), product(2, 'Blue lamp')],
      total: 60,
      totalIsEstimate: false,
      page: 1,
      pageSize: 25,
    });

  it('changes the picked rows by id, then every match by filter after a confirmation', async () => {
    const list = listOf();
    const updateMany = vi.fn().mockResolvedValue({ updated: 1 });
    renderWithApi(
      () => <ProductsPage />,
      { products: { list: { query: list }, updateMany: { mutate: updateMany } } },
      { url: '/products?name=blue' },
    );
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select SKU-1' }));
    await screen.findByText('1 selected');
    fireEvent.click(screen.getByRole('button', { name: 'Set inactive' }));
    await waitFor(() =>
      expect(updateMany).toHaveBeenCalledWith({ target: { ids: [1] }, set: { active: false } }),
    );
    await waitFor(() => expect(screen.queryByText('1 selected')).toBeNull());

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all on this page' }));
    fireEvent.click(
      await screen.findByRole('button', { name: 'Select all 60 products matching the filters' }),
    );
    await screen.findByText('All 60 products selected');
    fireEvent.click(screen.getByRole('button', { name: 'Set active' }));
    expect(updateMany).toHaveBeenCalledTimes(1); // not before the confirmation
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Set all 60 products matching the filters active',
      }),
    );
    await waitFor(() =>
      expect(updateMany).toHaveBeenLastCalledWith({
        target: { filter: { name: 'blue' } },
        set: { active: true },
      }),
    );
  });

  it('closes the dialog of a change to every match at once and says what runs until it settles', async () => {
    let finish!: (result: { updated: number }) => void;
    const updateMany = vi.fn(
      () => new Promise<{ updated: number }>((resolve) => (finish = resolve)),
    );
    renderPageWithToasts(
      { list: { query: listOf() }, updateMany: { mutate: updateMany } },
      { url: '/products?name=blue' },
    );
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select all on this page' }));
    fireEvent.click(
      await screen.findByRole('button', { name: 'Select all 60 products matching the filters' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Set inactive' }));
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Set all 60 products matching the filters inactive',
      }),
    );
    await screen.findByText('Setting all 60 products matching the filters inactive…');
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    // The grid stays usable meanwhile; the selection's actions wait for this one.
    expect(screen.getByRole('button', { name: 'Set active' })).toHaveProperty('disabled', true);
    finish({ updated: 60 });
    await screen.findByText('Set 60 products inactive');
    await waitFor(() =>
      expect(
        screen.queryByText('Setting all 60 products matching the filters inactive…'),
      ).toBeNull(),
    );
  });

  it('deletes the picked rows after a confirmation saying for how long, and undoes it from the toast', async () => {
    const deleteMany = vi.fn().mockResolvedValue({ deleted: 2, restoreId: RESTORE_ID });
    const restore = vi.fn().mockResolvedValue({ restored: 2, skipped: 0 });
    renderPageWithToasts(
      {
        list: { query: listOf() },
        deleteMany: { mutate: deleteMany },
        restore: { mutate: restore },
      },
      { url: '/products?name=blue' },
    );
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select SKU-1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select SKU-2' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete selected' }));
    await screen.findByText(
      'Delete 2 products? You can undo it for 7 days, from the message that follows.',
    );
    expect(deleteMany).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete 2 products' }));
    await waitFor(() =>
      expect(deleteMany).toHaveBeenCalledWith({ target: { ids: [1, 2] }, confirm: true }),
    );
    await screen.findByText('Deleted 2 products');
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(restore).toHaveBeenCalledWith({ restoreId: RESTORE_ID }));
    await screen.findByText('Restored 2 products');
  });

  it('says that an Undo runs until the products are back', async () => {
    let finish!: (result: { restored: number; skipped: number }) => void;
    const restore = vi.fn(
      () => new Promise<{ restored: number; skipped: number }>((resolve) => (finish = resolve)),
    );
    renderPageWithToasts(
      {
        list: { query: listOf() },
        deleteMany: { mutate: vi.fn().mockResolvedValue({ deleted: 1, restoreId: RESTORE_ID }) },
        restore: { mutate: restore },
      },
      { url: '/products?name=blue' },
    );
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select SKU-1' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete selected' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete 1 product' }));
    // Toasts outlive a test: this one's Undo is the one in its own "Deleted 1 product".
    const deleted = (await screen.findByText('Deleted 1 product')).closest('[data-sonner-toast]');
    fireEvent.click(within(deleted as HTMLElement).getByRole('button', { name: 'Undo' }));
    await screen.findByText('Restoring the deleted products…');
    await waitFor(() => expect(restore).toHaveBeenCalledWith({ restoreId: RESTORE_ID }));
    finish({ restored: 1, skipped: 0 });
    await screen.findByText('Restored 1 product');
    await waitFor(() => expect(screen.queryByText('Restoring the deleted products…')).toBeNull());
  });

  it('offers no Undo when undo is off', async () => {
    const deleteMany = vi.fn().mockResolvedValue({ deleted: 1, restoreId: null });
    renderPageWithToasts(
      {
        list: { query: listOf() },
        deleteMany: { mutate: deleteMany },
      },
      { undoDays: 0 },
    );
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select SKU-1' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete selected' }));
    await screen.findByText('Delete 1 product? This cannot be undone.');
    fireEvent.click(screen.getByRole('button', { name: 'Delete 1 product' }));
    // (Toasts are global: an earlier test's may still be up, so look inside this one.)
    const toastItem = (await screen.findByText('Deleted 1 product')).closest('li')!;
    expect(within(toastItem).queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('links the export to the filter on screen', async () => {
    renderWithApi(
      () => <ProductsPage />,
      { products: { list: { query: listOf() } } },
      { url: '/products?name=blue&active=inactive' },
    );
    const link = await screen.findByRole('link', { name: 'Export matches (CSV)' });
    expect(link.getAttribute('href')).toBe(
      'http://app.test/api/products.csv?name=blue&active=false',
    );
  });
});

describe('after the WebSocket reconnects', () => {
  it('the table recovers by itself from "Cannot reach the server"', async () => {
    const list = vi
      .fn()
      .mockRejectedValueOnce(new TRPCClientError('fetch failed'))
      .mockResolvedValue({ items: [product(1, 'Widget')], total: 1, page: 1, pageSize: 25 });
    const { setConnection } = renderWithApi(
      () => {
        useRefetchOnReconnect();
        return <ProductsPage />;
      },
      { products: { list: { query: list } } },
    );
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot reach the server');
    setConnection('closed');
    setConnection('open');
    await screen.findByText('1 product · page 1 of 1');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });
});
