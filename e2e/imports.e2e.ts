import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openPage,
  screenshotFailures,
  screenshots,
  startStack,
  type Stack,
} from './harness.ts';

const WAIT = { timeout: 30_000 };
const ROWS = 3_000;

let stack: Stack;
let browser: Browser;
let page: Page;

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

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  page = await openPage(browser);
});

screenshotFailures(() => page);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('import page', () => {
  it('uploads a CSV, follows it to "Import complete" and refreshes the products elsewhere', async () => {
    // A second tab on the products page: it must pick up the finished import without a reload.
    const productsTab = await browser.newPage();
    await productsTab.goto(`${stack.baseUrl}/products`);
    await productsTab.getByText('No products yet. Import a CSV or create one.').waitFor();

    await page.goto(`${stack.baseUrl}/imports`);
    await page.getByText('No imports yet.').waitFor();
    await screenshots(page, 'imports-empty');
    await page.locator('input[type=file]').setInputFiles({
      name: 'catalogue.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv()),
    });
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);

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
    await page.reload();
    await page.getByRole('heading', { name: 'Import complete' }).waitFor();
    await page.getByText('catalogue.csv').first().waitFor();
  });

  it('reverts an import from the history after a confirmation with its counts', async () => {
    await page.goto(`${stack.baseUrl}/imports`);
    await page.locator('input[type=file]').setInputFiles({
      name: 'second.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('sku,name\nIMP-1,Renamed one\nNEW-1,Brand new\n'),
    });
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
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

  it('refuses a file that is not a CSV before uploading it', async () => {
    await page.goto(`${stack.baseUrl}/imports`);
    await page.locator('input[type=file]').setInputFiles({
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    await page.getByText('"photo.png" is not a CSV file. Choose a .csv or .xlsx file.').waitFor();
  });

  it('"Choose a file" shows its focus and opens the file chooser with Enter', async () => {
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
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.keyboard.press('Enter'),
    ]);
    await chooser.setFiles({
      name: 'keyboard.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('sku,name\nKEY-1,Chosen with the keyboard\n'),
    });
    await page.getByRole('heading', { name: 'Import complete' }).waitFor(WAIT);
    await page.getByText('keyboard.csv').first().waitFor();
  });
});
