import { describe, expect, it } from 'vitest';
import { useE2e } from './harness.ts';

const e2e = useE2e();

describe('app shell', () => {
  it('names each page in the browser tab', async () => {
    const { page, stack } = e2e;
    for (const [path, title] of [
      ['/products', 'Products · Acme Product Importer'],
      ['/imports', 'Import · Acme Product Importer'],
      ['/webhooks', 'Webhooks · Acme Product Importer'],
    ] as const) {
      await page.goto(`${stack.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await page.title()).toBe(title);
    }
    // Moving between pages in the app renames the tab too.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Products' })
      .click();
    await expect.poll(() => page.title()).toBe('Products · Acme Product Importer');
  });

  it('has a favicon', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products`);
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(href).toBe('/favicon.svg');
    const response = await page.request.get(`${stack.baseUrl}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('image/svg+xml');
    expect(await response.text()).toContain('<svg');
  });

  it('links the empty catalogue to the import page', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products`);
    const link = page.getByRole('link', { name: 'Import a file' });
    await link.click();
    await page.waitForURL(`${stack.baseUrl}/imports`);
    await page.getByRole('heading', { name: 'Import', exact: true }).waitFor();
  });
});
