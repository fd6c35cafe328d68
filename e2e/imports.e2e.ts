import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { screenshots, useE2e } from './harness.ts';

const WAIT = { timeout: 30_000 };
const ROWS = 3_000;
const CORPUS = new URL('../packages/jobs/src/import/file/corpus/', import.meta.url);

/** ROWS valid products plus two bad rows (missing name on line 3, bad active value on line 5). */
function csv(): string {
  const lines = ['sku,name,description,active'];
  for (let i = 1; i <= ROWS; i += 1) {
    if (i === 2) lines.push('BAD-1,,no name,true');
    if (i === 3) lines.push('BAD-2,Bad active,,maybe');
    lines.push(`IMP-${i},Imported ${i},"Row ${i}, with a comma",${i % 2 === 0 ? 'yes' : 'no'}`);
  }
  return lines.join('\n') + '\n';
}

const e2e = useE2e();

const productCount = async () =>
  (await e2e.stack.db.sql<{ n: number }[]>`select count(*)::int as n from products`)[0]!.n;

/** Chooses a file on the import page; the dashboard uploads it for review. */
async function upload(name: string, buffer: Buffer): Promise<void> {
  await e2e.page.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer });
}

/** The review of the uploaded file, once it waits for a person. */
async function awaitReview(): Promise<void> {
  await e2e.page.getByRole('heading', { name: 'Review the import' }).waitFor(WAIT);
  await e2e.page.getByText('waiting for review').waitFor(WAIT);
}

/** Reviews the file with the columns the import chose, and confirms it. */
async function uploadAndConfirm(name: string, buffer: Buffer): Promise<void> {
  await upload(name, buffer);
  await awaitReview();
  await e2e.page.getByRole('button', { name: 'Confirm import' }).click();
  await e2e.page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
}

/** The counts a review promises (New, Updated, …) or an import's (Created, Updated, …). */
async function counts(selector: string): Promise<Record<string, string>> {
  const pairs = await e2e.page
    .locator(`${selector} div`)
    .evaluateAll((divs) =>
      divs.map((div): [string, string] => [
        div.querySelector('dt')?.textContent ?? '',
        div.querySelector('dd')?.textContent ?? '',
      ]),
    );
  return Object.fromEntries(pairs);
}

describe('import page', () => {
  it('uploads a CSV, follows it to "Import complete" and refreshes the products elsewhere', async () => {
    const { page, stack, browser } = e2e;
    // A second tab on the products page: it must pick up the finished import without a reload.
    const productsTab = await browser.newPage();
    await productsTab.goto(`${stack.baseUrl}/products`);
    await productsTab.getByText('No products yet. Import a file or create one.').waitFor();

    await page.goto(`${stack.baseUrl}/imports`);
    await page.getByText('No imports yet.').waitFor();
    await screenshots(page, 'imports-empty');
    await uploadAndConfirm('catalogue.csv', Buffer.from(csv()));

    const stat = (label: string) =>
      page.locator('.stats div', { has: page.getByText(label, { exact: true }) }).locator('dd');
    expect(await stat('Created').textContent()).toBe(ROWS.toLocaleString('en-US'));
    expect(await stat('Invalid').textContent()).toBe('2');
    expect(
      (await stack.db.sql<{ n: number }[]>`select count(*)::int as n from products`)[0]!.n,
    ).toBe(ROWS);

    // The invalid rows, with their line numbers in the file, and the report to download.
    const invalid = page.getByRole('region', { name: /Invalid rows/ });
    await invalid.getByRole('cell', { name: 'BAD-1' }).waitFor();
    expect(await invalid.locator('tbody tr').first().locator('td').first().textContent()).toBe('3');
    const href = await page
      .getByRole('link', { name: 'Download error report (CSV)' })
      .getAttribute('href');
    const report = await fetch(new URL(href!, stack.baseUrl));
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('BAD-2');

    // The history lists it as completed, with its counts and duration.
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('completed').waitFor();
    await screenshots(page, 'imports');

    await productsTab
      .getByText(`${ROWS.toLocaleString('en-US')} products · page 1 of`)
      .waitFor(WAIT);
    await productsTab.close();
  });

  it('shows the same import after a reload, found from the server', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/imports`);
    await uploadAndConfirm('reloaded.csv', Buffer.from('sku,name\nREL-1,Reloaded\n'));
    await page.reload();
    await page.getByRole('heading', { name: 'Import complete' }).waitFor();
    await page.getByText('reloaded.csv').first().waitFor();
  });

  it('reverts an import from the history after a confirmation with its counts', async () => {
    const { page, stack } = e2e;
    await stack.db.sql`insert into products (sku, name) values ('IMP-1', 'Imported 1')`;
    await page.goto(`${stack.baseUrl}/imports`);
    await uploadAndConfirm(
      'second.csv',
      Buffer.from('sku,name\nIMP-1,Renamed one\nNEW-1,Brand new\n'),
    );
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('button', { name: 'Revert import second.csv' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog
      .getByText('1 product it updated will be put back as they were before it.')
      .waitFor();
    await dialog.getByText('1 product it created will be deleted.').waitFor();
    await screenshots(page, 'imports-revert-dialog');
    await dialog.getByRole('button', { name: 'Revert import' }).click();
    await page.getByText('Reverted second.csv: 1 restored, 1 deleted, 0 kept').waitFor(WAIT);
    await history.getByText('reverted').waitFor();
    const rows = await stack.db.sql<{ sku: string; name: string }[]>`
      select sku, name from products where sku in ('IMP-1', 'NEW-1')`;
    expect([...rows]).toEqual([{ sku: 'IMP-1', name: 'Imported 1' }]);
  });

  it('refuses a file the import does not read before uploading it', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/imports`);
    await page.locator('input[type=file]').setInputFiles({
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    await page
      .getByText(
        '"photo.png" is not a file the import reads. Choose a CSV, TSV or text file or an Excel workbook (.xlsx), also gzipped or zipped.',
      )
      .waitFor();
  });

  it('"Choose a file" shows its focus and opens the file chooser with Enter', async () => {
    const { page, stack } = e2e;
    // Playwright turns on Chromium's file chooser interception without waiting for it: listen
    // before the page loads, so the interception is on long before Enter is pressed.
    const chooserOpened = page.waitForEvent('filechooser', WAIT);
    await page.goto(`${stack.baseUrl}/imports`);
    await page.getByRole('heading', { name: 'Import', exact: true }).waitFor();
    const input = page.locator('input[type=file]');
    const button = page.locator('label.file-button', { hasText: 'Choose a file' });
    const shadow = () => button.evaluate((label) => getComputedStyle(label).boxShadow);
    const unfocused = await shadow();
    // Tab to it, as a keyboard user would.
    const focused = () => input.evaluate((element) => element === document.activeElement);
    for (let presses = 0; presses < 20 && !(await focused()); presses += 1) {
      await page.keyboard.press('Tab');
    }
    expect(await focused()).toBe(true);
    expect(await shadow()).not.toBe(unfocused);
    await page.keyboard.press('Enter');
    const chooser = await chooserOpened;
    await chooser.setFiles({
      name: 'keyboard.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('sku,name\nKEY-1,Chosen with the keyboard\n'),
    });
    await awaitReview();
    await page.getByRole('button', { name: 'Confirm import' }).click();
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
    await page.getByText('keyboard.csv').first().waitFor();
  });

  it('reviews a Shopify export (profile, columns, first rows, changes), survives a reload, and confirms it with the counts it promised', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/imports`);
    await upload('products_export_1.csv', await readFile(new URL('shopify-products.csv', CORPUS)));
    await awaitReview();
    const review = page.getByRole('region', { name: 'Review the import' });
    await review.getByText('Shopify products export').waitFor();
    await review.getByText('UTF-8').waitFor();
    await review.getByText('comma').waitFor();
    expect(await review.getByLabel(/^SKU/).inputValue()).toBe('Variant SKU');
    expect(await review.getByLabel(/^Name/).inputValue()).toBe('Title');
    expect(await review.getByText('profile', { exact: true }).count()).toBeGreaterThanOrEqual(2);
    // The first rows as stored: a variant row inherits its product's Title.
    const sample = review.getByRole('table', { name: 'First rows as they will be stored' });
    await sample.getByText('TEE-ORG-M-NAT').waitFor();
    expect(
      await sample
        .getByRole('row', { name: /TEE-ORG-M-NAT/ })
        .getByText('Organic Cotton Tee')
        .count(),
    ).toBe(1);
    const promised = await counts('[data-testid=preview-counts]');
    expect(Number(promised.New)).toBeGreaterThan(0);
    expect(promised.Updated).toBe('0');

    // The new products, listed once expanded.
    await review.getByText(/^\d+ new products?$/).click();
    await review
      .getByRole('table', { name: /new product/ })
      .getByText('TEE-ORG-S-NAT')
      .waitFor();

    // Keyboard: the selects are labelled and follow each other in the tab order.
    await review.getByLabel(/^SKU/).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toMatch(/-name$/);

    // Also checks that neither the page nor a table scrolls sideways at 1280 and 390 px.
    await screenshots(page, 'imports-review');

    // A reload comes back to the review; the history says review and offers it.
    await page.reload();
    await awaitReview();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('review', { exact: true }).waitFor();
    await history.getByRole('button', { name: 'Review import products_export_1.csv' }).click();
    await awaitReview();

    const before = await productCount();
    await review.getByRole('button', { name: 'Confirm import' }).click();
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
    const done = await counts('.stats');
    expect({
      New: done.Created,
      Updated: done.Updated,
      Unchanged: done.Unchanged,
      Invalid: done.Invalid,
      'Repeated SKU': done['Repeated SKU'],
      Blank: done.Blank,
    }).toEqual(promised);
    expect(await productCount()).toBe(before + Number(promised.New));
  });

  it('maps a supplier file with its own German headers in review (the file read again), then confirms it', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/imports`);
    await upload(
      'Preisliste-KW48.csv',
      await readFile(new URL('supplier-own-columns.csv', CORPUS)),
    );
    await awaitReview();
    const review = page.getByRole('region', { name: 'Review the import' });
    // Nothing recognises "Art.": no counts, and Confirm waits for the SKU column.
    await review.getByText('Choose the column that holds the SKU.').waitFor();
    const confirm = review.getByRole('button', { name: 'Confirm import' });
    expect(await confirm.isDisabled()).toBe(true);
    expect(await review.getByTestId('preview-counts').count()).toBe(0);
    await screenshots(page, 'imports-review-needs-column');

    // "Langtext" was recognised as the description; the SKU alone is not enough yet.
    expect(await review.getByLabel(/^Description/).inputValue()).toBe('Langtext');
    await review.getByLabel(/^SKU/).selectOption('Art.');
    await review.getByText('Choose the column that holds the name.').waitFor();
    expect(await confirm.isDisabled()).toBe(true);
    // With the name too, the stored file is read again with these columns, up to a preview.
    await review.getByLabel(/^Name/).selectOption('Text');
    await review.getByTestId('preview-counts').waitFor(WAIT);
    const sample = review.getByRole('table', { name: 'First rows as they will be stored' });
    await sample.getByText('Espressotasse 2er-Set').waitFor(WAIT);
    await sample.getByText('Porzellan mit Goldrand').waitFor();
    expect(await review.getByLabel(/^SKU/).inputValue()).toBe('Art.');
    expect(await review.getByLabel(/^Name/).inputValue()).toBe('Text');
    await review.getByText('chosen', { exact: true }).first().waitFor();
    expect((await counts('[data-testid=preview-counts]')).New).toBe('3');

    await confirm.click();
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
    expect(
      await stack.db
        .sql`select sku, name, description from products where sku like 'SUP-%' order by sku`,
    ).toEqual([
      { sku: 'SUP-001', name: 'Espressotasse 2er-Set', description: 'Porzellan mit Goldrand' },
      { sku: 'SUP-002', name: 'Milchkännchen 0.3 l', description: '' },
      { sku: 'SUP-003', name: 'Zuckerdose mit Deckel', description: 'Porzellan' },
    ]);

    // The confirmed mapping is remembered: the next file with these columns maps itself.
    await upload(
      'Preisliste-KW49.csv',
      await readFile(new URL('supplier-own-columns.csv', CORPUS)),
    );
    await awaitReview();
    expect(await review.getByLabel(/^SKU/).inputValue()).toBe('Art.');
    await review.getByText('remembered', { exact: true }).first().waitFor();
    expect((await counts('[data-testid=preview-counts]')).Unchanged).toBe('3');
    await review.getByRole('button', { name: 'Confirm import' }).click();
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
  });

  it('cancels from review after a confirmation (Escape keeps reviewing); the catalogue is unchanged', async () => {
    const { page, stack } = e2e;
    await stack.db.sql`insert into products (sku, name) values ('IMP-2', 'Imported 2')`;
    await page.goto(`${stack.baseUrl}/imports`);
    const before = await stack.db.sql`select sku, name, updated_at from products order by sku`;
    await upload('changes.csv', Buffer.from('sku,name\nIMP-2,Changed two\nCANCEL-1,Never\n'));
    await awaitReview();
    const review = page.getByRole('region', { name: 'Review the import' });
    await review.getByText(/^1 updated product$/).click();
    const updated = review.getByRole('table', { name: /updated product/ });
    await updated.locator('del', { hasText: 'Imported 2' }).waitFor();
    await updated.locator('ins', { hasText: 'Changed two' }).waitFor();

    await review.getByRole('button', { name: 'Cancel import' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep reviewing');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await review.getByRole('button', { name: 'Cancel import' }).click();
    await dialog.getByRole('button', { name: 'Cancel import' }).click();
    await page.getByRole('heading', { name: 'Review cancelled' }).waitFor(WAIT);
    await page.getByRole('region', { name: 'History' }).getByText('cancelled').first().waitFor();
    expect(await stack.db.sql`select sku, name, updated_at from products order by sku`).toEqual(
      before,
    );
  });
});
