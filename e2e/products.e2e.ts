import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshots, useE2e } from './harness.ts';

const WAIT = { timeout: 10_000 };

// Each test starts from 60 products: even ones mention "blue", every third one is inactive.
const e2e = useE2e({
  seed: async (stack) => {
    await stack.db.sql`
      insert into products (sku, name, description, active)
      select 'SKU-' || lpad(i::text, 3, '0'), 'Widget ' || i,
             case when i % 2 = 0 then 'A blue widget' else 'A red widget' end, i % 3 <> 0
      from generate_series(1, 60) as i`;
  },
  timeoutMs: 10_000,
});

const count = async (where = 'true') =>
  (
    await e2e.stack.db.sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from products where ${where}`,
    )
  )[0]!.n;

/** Opens the products page at `query` (sorted by SKU unless it says otherwise). */
async function openProducts(query = '?sort=sku:asc'): Promise<Page> {
  const { page, stack } = e2e;
  await page.goto(`${stack.baseUrl}/products${query}`);
  await summary(page).waitFor();
  return page;
}

const summary = (page: Page) => page.getByText(/\d+ products? · page \d+ of \d+/);

describe('products page', () => {
  it('lists the products with the total and shows the live connection', async () => {
    const page = await openProducts('');
    await expect
      .poll(() => summary(page).textContent(), WAIT)
      .toContain('60 products · page 1 of 3');
    await page.getByText('Live', { exact: true }).waitFor();
    await screenshots(page, 'products');
  });

  it('filters by description and by status, debounced, and says when nothing matches', async () => {
    const page = await openProducts('');
    await page.getByLabel('Description', { exact: true }).fill('blue');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('30 products');
    await page.getByLabel('Status', { exact: true }).selectOption('inactive');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('10 products');
    await page.getByLabel('SKU', { exact: true }).fill('no-such-sku');
    await page.getByText('No products match these filters.').waitFor();
    await page.getByLabel('SKU', { exact: true }).fill('');
    await page.getByLabel('Description', { exact: true }).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('all');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('60 products');
  });

  it('sorts by SKU and pages through the results', async () => {
    const page = await openProducts('');
    await page.getByRole('button', { name: 'SKU', exact: true }).click();
    await page.getByRole('button', { name: /^Edit SKU of SKU-001/ }).waitFor();
    await page.getByRole('button', { name: 'Page 2' }).click();
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('page 2 of 3');
    await page.getByRole('button', { name: /^Edit SKU of SKU-026/ }).waitFor();
    expect(await page.getByRole('button', { name: /^Edit SKU of SKU-001/ }).count()).toBe(0);
    // The view lives in the URL: a reload (or a shared link) shows the same page.
    expect(new URL(page.url()).search).toBe('?sort=sku%3Aasc&page=2');
    await page.reload();
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('page 2 of 3');
    await page.getByRole('button', { name: /^Edit SKU of SKU-026/ }).waitFor();
    await page.getByLabel('Per page').selectOption('50');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('page 1 of 2');
  });

  it('edits a name inline: Enter saves, Escape cancels, bad input is refused in place', async () => {
    const page = await openProducts();
    await page.getByRole('button', { name: /^Edit Name of SKU-002/ }).click();
    const input = page.getByLabel('Name of SKU-002');
    await input.fill('Renamed widget');
    await input.press('Enter');
    await page.getByRole('button', { name: 'Edit Name of SKU-002: Renamed widget' }).waitFor();
    await expect.poll(() => count(`sku = 'SKU-002' and name = 'Renamed widget'`), WAIT).toBe(1);

    await page.getByRole('button', { name: /^Edit Name of SKU-003/ }).click();
    await page.getByLabel('Name of SKU-003').fill('Not saved');
    await page.getByLabel('Name of SKU-003').press('Escape');
    await page.getByRole('button', { name: 'Edit Name of SKU-003: Widget 3' }).waitFor();

    await page.getByRole('button', { name: /^Edit SKU of SKU-004/ }).click();
    await page.getByLabel('SKU of SKU-004').fill('   ');
    await page.getByLabel('SKU of SKU-004').press('Enter');
    await page.getByText('sku is required').waitFor();
    await page.getByLabel('SKU of SKU-004').press('Escape');

    // The server refuses a taken SKU: the optimistic value rolls back, the editor reopens with the reason.
    await page.getByRole('button', { name: /^Edit SKU of SKU-005/ }).click();
    await page.getByLabel('SKU of SKU-005').fill('sku-006');
    await page.getByLabel('SKU of SKU-005').press('Enter');
    await page.getByText(/already exists/).waitFor();
    await page.getByLabel('SKU of SKU-005').press('Escape');
    await page.getByRole('button', { name: /^Edit SKU of SKU-005/ }).waitFor();
    expect(await count(`sku = 'SKU-005'`)).toBe(1);
  });

  it('creates a product, and shows a taken SKU next to the field', async () => {
    const page = await openProducts();
    await page.getByRole('button', { name: 'New product' }).click();
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await dialog.getByLabel('SKU').fill('sku-010');
    await dialog.getByLabel('Name').fill('Duplicate');
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await dialog.getByText(/already exists/).waitFor();
    await dialog.getByLabel('SKU').fill('NEW-1');
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await page.getByText('Created NEW-1').waitFor();
    expect(await count(`sku = 'NEW-1'`)).toBe(1);
  });

  it('deletes one product after confirmation', async () => {
    const page = await openProducts();
    await page.getByRole('button', { name: 'Delete SKU-007' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Delete SKU-007').waitFor();
    await screenshots(page, 'products-delete-dialog');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted SKU-007').waitFor();
    expect(await count(`sku = 'SKU-007'`)).toBe(0);
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('59 products');
  });

  it('undoes a delete from its toast: the product is back', async () => {
    const page = await openProducts();
    await page.getByRole('button', { name: 'Delete SKU-008' }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    const toast = page.locator('[data-sonner-toast]', { hasText: 'Deleted SKU-008' });
    await toast.waitFor();
    expect(await count(`sku = 'SKU-008'`)).toBe(0);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Restored 1 product').waitFor();
    expect(await count(`sku = 'SKU-008'`)).toBe(1);
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('60 products');
  });

  it('keeps an edited row in place under "newest change first", with the focus on it', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products?pageSize=10`);
    const rows = page.locator('table.products-grid tbody tr');
    await rows.nth(9).waitFor();
    const third = (await rows
      .nth(2)
      .getByRole('button', { name: /^Edit SKU of / })
      .textContent())!;
    await rows
      .nth(2)
      .getByRole('button', { name: /^Edit Name of / })
      .click();
    const input = page.getByLabel(`Name of ${third}`);
    await input.fill('Edited in place');
    await input.press('Enter');
    await expect.poll(() => count(`sku = '${third}' and name = 'Edited in place'`), WAIT).toBe(1);
    // After the refetch (the row is now the newest change) it is still the third row, focused.
    await page.waitForLoadState('networkidle');
    expect(
      await rows
        .nth(2)
        .getByRole('button', { name: /^Edit Name of / })
        .textContent(),
    ).toBe('Edited in place');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Edit Name of ${third}: Edited in place`,
    );
    // Arrow keys move between the cells' controls.
    await page.keyboard.press('ArrowDown');
    const below = (await rows
      .nth(3)
      .getByRole('button', { name: /^Edit SKU of / })
      .textContent())!;
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      new RegExp(`^Edit Name of ${below}`),
    );
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      new RegExp(`^Edit SKU of ${below}`),
    );
    // A new view lets the newest change come first again.
    await page.getByRole('button', { name: 'Page 2' }).click();
    await page.getByRole('button', { name: 'Page 1' }).click();
    await expect
      .poll(
        () =>
          rows
            .nth(0)
            .getByRole('button', { name: /^Edit Name of / })
            .textContent(),
        WAIT,
      )
      .toBe('Edited in place');
  });

  it('jumps to a typed page number, and offers 200 per page', async () => {
    const page = await openProducts('?pageSize=10');
    await page.getByLabel('Go to page').fill('5');
    await page.getByLabel('Go to page').press('Enter');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('page 5 of 6');
    await page.getByLabel('Go to page').fill('9');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await page.getByText('Enter a page from 1 to 6').waitFor();
    await page.getByLabel('Per page').selectOption('200');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('page 1 of 1');
  });

  it('sets picked rows inactive, every match of a filter after a confirmation, and exports the matches', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products?sort=sku:asc`);
    await page.getByRole('checkbox', { name: 'Select SKU-001' }).check();
    await page.getByRole('checkbox', { name: 'Select SKU-002' }).check();
    await page.getByText('2 selected').waitFor();
    await screenshots(page, 'products-selection');
    await page.getByRole('button', { name: 'Set inactive' }).click();
    await page.getByText('Set 2 products inactive').waitFor();
    expect(await count(`sku in ('SKU-001', 'SKU-002') and not active`)).toBe(2);

    await page.getByLabel('Description', { exact: true }).fill('blue');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('30 products');
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.getByRole('button', { name: 'Select all 30 products matching the filters' }).click();
    await page.getByText('All 30 products selected').waitFor();
    await page.getByRole('button', { name: 'Set inactive' }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Set all 30 products matching the filters inactive' })
      .click();
    await expect.poll(() => count(`description ilike '%blue%' and active`), WAIT).toBe(0);

    // The export is the filtered set, streamed by the server.
    await page.getByLabel('Status', { exact: true }).selectOption('inactive');
    const link = page.getByRole('link', { name: 'Export matches (CSV)' });
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    expect(new URL(href).search).toBe('?description=blue&active=false');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('sku,name,description,active,created_at,updated_at'); // fetch drops the BOM
    expect(lines).toHaveLength(1 + (await count(`description ilike '%blue%' and not active`)));
    await page.getByLabel('Description', { exact: true }).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('all');
  });

  it('deletes picked rows and every match of a filter, each undone from its toast', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products?sort=sku:asc`);
    await page.getByRole('checkbox', { name: 'Select SKU-003' }).check();
    await page.getByRole('checkbox', { name: 'Select SKU-004' }).check();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog
      .getByText('Delete 2 products? You can undo it for 7 days, from the message that follows.')
      .waitFor();
    await dialog.getByRole('button', { name: 'Delete 2 products' }).click();
    const picked = page.locator('[data-sonner-toast]', { hasText: 'Deleted 2 products' });
    await picked.waitFor();
    expect(await count(`sku in ('SKU-003', 'SKU-004')`)).toBe(0);
    await picked.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Restored 2 products').waitFor();
    expect(await count(`sku in ('SKU-003', 'SKU-004')`)).toBe(2);
    await page.getByRole('button', { name: 'Edit SKU of SKU-003' }).waitFor(WAIT);

    await page.getByLabel('Description', { exact: true }).fill('blue');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('30 products');
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.getByRole('button', { name: 'Select all 30 products matching the filters' }).click();
    await page.getByRole('button', { name: 'Delete all matching' }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Delete all 30 products matching the filters' })
      .click();
    const matching = page.locator('[data-sonner-toast]', { hasText: 'Deleted 30 products' });
    await matching.waitFor();
    await page.getByText('No products match these filters.', { exact: false }).waitFor();
    expect(await count(`description ilike '%blue%'`)).toBe(0);
    await screenshots(page, 'products-deleted-matches');
    await matching.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Restored 30 products').waitFor();
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('30 products');
    expect(await count()).toBe(60);
    await page.getByLabel('Description', { exact: true }).fill('');
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('60 products');
  });

  it('truncates a long SKU and shows line breaks in a description', async () => {
    const { page, stack } = e2e;
    const longSku = 'LONG-' + 'x'.repeat(295);
    await stack.db.sql`
      insert into products (sku, name, description) values (${longSku}, 'Long one', ${'first line\nsecond line'})`;
    await page.goto(`${stack.baseUrl}/products?sku=LONG-`);
    const cell = page.getByRole('button', { name: /^Edit SKU of LONG-/ });
    await cell.waitFor();
    expect((await cell.boundingBox())!.width).toBeLessThan(400);
    expect(await cell.getAttribute('title')).toBe(longSku);
    const description = page.getByRole('button', { name: /^Edit Description of LONG-/ });
    expect(await description.innerText()).toBe('first line\nsecond line');
    await screenshots(page, 'products-long-values');
  });

  it('deletes all products behind "Are you sure?", says for how long it can be undone, and undoes it', async () => {
    const page = await openProducts('');
    await page.getByRole('button', { name: 'Delete all' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog
      .getByText('Are you sure? You can undo it for 7 days, from the message that follows.')
      .waitFor();
    await dialog.getByRole('button', { name: 'Delete all products' }).click();
    const toast = page.locator('[data-sonner-toast]', { hasText: 'Deleted all products (60)' });
    await toast.waitFor();
    await page.getByText('No products yet. Import a file or create one.').waitFor();
    expect(await count()).toBe(0);
    await screenshots(page, 'products-empty');

    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Restored 60 products').waitFor();
    await expect.poll(() => summary(page).textContent(), WAIT).toContain('60 products');
    expect(await count()).toBe(60);
  });
});
