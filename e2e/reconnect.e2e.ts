import { describe, expect, it } from 'vitest';
import { screenshots, useE2e } from './harness.ts';

// The socket reconnects with a growing back-off (1, 2, 4, 8 s …): allow for a few rounds.
const WAIT = { timeout: 45_000 };

const e2e = useE2e({
  seed: async (stack) => {
    await stack.db.sql`
      insert into products (sku, name, description, active)
      select 'RC-' || lpad(i::text, 3, '0'), 'Reconnect widget ' || i, '', true
      from generate_series(1, 30) as i`;
  },
});

const summary = () => e2e.page.getByText(/\d+ products? · page \d+ of \d+/);

describe('products grid after the server comes back', () => {
  it('clears "Cannot reach the server" by itself once the WebSocket is Live again', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products`);
    await page.getByText('Live', { exact: true }).waitFor();
    await expect.poll(() => summary().textContent()).toContain('30 products');

    // The server goes away: the header says so, and a new filter cannot load.
    await stack.stopServer();
    try {
      await page.getByText('Reconnecting…', { exact: true }).waitFor(WAIT);
      await page.getByLabel('SKU', { exact: true }).fill('RC-02');
      const alert = page.getByRole('alert').filter({ hasText: 'Cannot reach the server' }).first();
      await alert.waitFor(WAIT);
      await page.getByRole('button', { name: 'Try again' }).first().waitFor();
      await screenshots(page, 'products-server-gone');
    } finally {
      await stack.startServer();
    }

    // Back: nothing is clicked; the socket reconnects and the grid loads the filter by itself.
    await page.getByText('Live', { exact: true }).waitFor(WAIT);
    await expect.poll(() => summary().textContent(), WAIT).toContain('10 products');
    expect(await page.getByText('Cannot reach the server').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await page.getByText('RC-020', { exact: true }).waitFor();
    await screenshots(page, 'products-server-back');
  });
});
