import { describe, expect, it } from 'vitest';
import { screenshots, useE2e } from './harness.ts';

// Each test has a stack of its own (useE2e), so they pass in any order.
const WAIT = { timeout: 30_000 };

const e2e = useE2e();

const review = () => e2e.page.getByRole('region', { name: 'Review the import' });

async function upload(name: string, text: string): Promise<void> {
  await e2e.page
    .locator('input[type=file]')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

/** Waits until the review waits for a person (after the first reading or a new mapping). */
async function awaitReview(filename: string): Promise<void> {
  await review().getByText(filename).waitFor(WAIT);
  await review().getByText('waiting for review').waitFor(WAIT);
}

async function previewCount(label: string): Promise<string | null> {
  return e2e.page
    .getByTestId('preview-counts')
    .locator('div', { has: e2e.page.getByText(label, { exact: true }) })
    .locator('dd')
    .textContent();
}

const stored = (prefix: string) =>
  e2e.stack.db.sql<{ sku: string; active: boolean }[]>`
    select sku, active from products where sku like ${prefix + '%'} order by sku`.then((rows) => [
    ...rows,
  ]);

describe('import review', () => {
  it('names the closest SKU column, then maps the values of the active column by hand', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/imports`);
    await page.getByRole('heading', { name: 'Import a file' }).waitFor();
    // "Art-Code" fits SKU too loosely to be mapped by itself; Status says Online/Offline.
    await upload(
      'shop-export.csv',
      'Art-Code;Bezeichnung;Status\n' +
        'RV-1;Wasserkocher;Online\n' +
        'RV-2;Toaster;online\n' +
        'RV-3;Brotmesser;Offline\n' +
        'RV-4;Schneidbrett;ja\n',
    );
    await awaitReview('shop-export.csv');
    await review().getByText('Choose the column that holds the SKU.').waitFor();
    expect(await page.getByTestId('suggested-sku').textContent()).toBe('suggested 64 %: Art-Code');
    await screenshots(page, 'review-suggested-column');

    await review().getByLabel(/^SKU/).selectOption('Art-Code');
    const values = review().getByRole('table', { name: 'Values of Status' });
    await values.waitFor(WAIT);
    expect(await page.getByTestId('active-values-unknown').textContent()).toBe(
      '"Online", "Offline" are not understood: 3 rows will be invalid. Choose whether each means active or inactive.',
    );
    expect(await previewCount('Invalid')).toBe('3');
    expect(await values.getByLabel('Read "ja" as').inputValue()).toBe('true');
    await screenshots(page, 'review-active-values');

    // Each value mapped reads the file again; the selects come back with it applied.
    await values.getByLabel('Read "Online" as').selectOption('true');
    await expect
      .poll(() => review().getByLabel('Read "Online" as').inputValue(), WAIT)
      .toBe('true');
    await awaitReview('shop-export.csv');
    await review().getByLabel('Read "Offline" as').selectOption('false');
    await expect
      .poll(() => review().getByLabel('Read "Offline" as').inputValue(), WAIT)
      .toBe('false');
    await awaitReview('shop-export.csv');
    expect(await page.getByTestId('active-values-unknown').count()).toBe(0);
    expect(await previewCount('Invalid')).toBe('0');
    expect(await previewCount('New')).toBe('4');

    await review().getByRole('button', { name: 'Confirm import' }).click();
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
    expect(await stored('RV-')).toEqual([
      { sku: 'RV-1', active: true },
      { sku: 'RV-2', active: true },
      { sku: 'RV-3', active: false },
      { sku: 'RV-4', active: true },
    ]);
  });

  it('a cancelled review says nothing was written, reviews it again, or opens another upload', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/imports`);
    await upload('cancel-me.csv', 'sku,name\nCX-1,Never written\n');
    await awaitReview('cancel-me.csv');
    await review().getByRole('button', { name: 'Cancel import' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel import' }).click();

    const panel = page.getByRole('region', { name: 'Review cancelled' });
    await panel.waitFor(WAIT);
    await panel.getByText('nothing from cancel-me.csv was written', { exact: false }).waitFor();
    expect(await panel.getByRole('progressbar').count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await screenshots(page, 'review-cancelled');

    // Review again: the stored file is read again, and the import waits for review again.
    await panel.getByRole('button', { name: 'Review again' }).click();
    await awaitReview('cancel-me.csv');
    expect(await previewCount('New')).toBe('1');
    await review().getByRole('button', { name: 'Cancel import' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel import' }).click();
    await panel.waitFor(WAIT);

    // Upload another file: the upload card's chooser opens, and the new file goes to review.
    const chooser = page.waitForEvent('filechooser');
    await panel.getByRole('button', { name: 'Upload another file' }).click();
    await (
      await chooser
    ).setFiles({
      name: 'instead.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('sku,name\nCX-2,Other\n'),
    });
    await awaitReview('instead.csv');
    expect(await stored('CX-')).toEqual([]);
  });
});
