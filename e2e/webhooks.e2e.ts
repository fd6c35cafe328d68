import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

let stack: Stack;
let browser: Browser;
let page: Page;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  // The endpoint the webhook points at: records each request and answers 200.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  stack = await startStack({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  browser = await launchBrowser();
  page = await openPage(browser);
});

screenshotFailures(() => page);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('webhooks page', () => {
  it('refuses a URL that is not http(s), in place', async () => {
    await page.goto(`${stack.baseUrl}/webhooks`);
    await page.getByText('No webhooks yet.', { exact: false }).waitFor();
    await screenshots(page, 'webhooks-empty');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add webhook' });
    await dialog.getByLabel('Endpoint URL').fill('ftp://example.com/hook');
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    await dialog.getByText('url must start with http:// or https://').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('adds a webhook and shows its secret once', async () => {
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add webhook' });
    await dialog.getByLabel('Endpoint URL').fill(receiverUrl);
    await dialog.getByLabel('product.created').check();
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Signing secret' });
    const secret = await secretDialog.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await screenshots(page, 'webhooks-secret');
    await secretDialog.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('article', { name: `Webhook ${receiverUrl}` }).waitFor();
    // From now on the secret is masked.
    expect(await page.getByText(secret).count()).toBe(0);
  });

  it('tests the webhook and shows the answer live', async () => {
    const card = page.getByRole('article', { name: `Webhook ${receiverUrl}` });
    await card.getByRole('button', { name: 'Test' }).click();
    await card.locator('.badge.ok', { hasText: '200' }).waitFor();
    await card.getByText(/\d+ ms/).waitFor();
    const test = received.find((request) => request.body.includes('webhook.test'));
    expect(test?.headers['webhook-signature']).toMatch(/^v1,/);
    await screenshots(page, 'webhooks');

    await card.getByRole('button', { name: 'Deliveries' }).click();
    const log = page.getByRole('dialog', { name: 'Deliveries' });
    await log.getByRole('cell', { name: 'webhook.test' }).waitFor();
    await screenshots(page, 'webhooks-deliveries');
    await log.getByRole('button', { name: 'Close' }).click();
  });

  it('resends a delivered product event from the deliveries log', async () => {
    const created = await page.evaluate(async () => {
      const response = await fetch('/trpc/products.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { sku: 'HOOK-1', name: 'Kettle' } }),
      });
      return response.status;
    });
    expect(created).toBe(200);
    const forProduct = () => received.filter((request) => request.body.includes('HOOK-1'));
    await expect.poll(() => forProduct().length, { timeout: 10_000 }).toBe(1);

    const card = page.getByRole('article', { name: `Webhook ${receiverUrl}` });
    await card.getByRole('button', { name: 'Deliveries' }).click();
    const log = page.getByRole('dialog', { name: 'Deliveries' });
    const rows = log.getByRole('row').filter({ hasText: 'product.created' });
    await rows.first().waitFor();
    // Tests are not resent: only the product event's row offers it.
    expect(await log.getByRole('button', { name: 'Resend' }).count()).toBe(1);
    await rows.getByRole('button', { name: 'Resend' }).click();
    await page.getByText('Delivery queued to be sent again').waitFor();
    await expect.poll(() => forProduct().length, { timeout: 10_000 }).toBe(2);
    const [first, again] = forProduct();
    expect(again!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    await screenshots(page, 'webhooks-resend');
    await log.getByRole('button', { name: 'Close' }).click();
  });

  it('edits the webhook: turns it off and changes its events', async () => {
    const card = page.getByRole('article', { name: `Webhook ${receiverUrl}` });
    await card.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit webhook' });
    await dialog.getByLabel('products.deleted_all').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await card.getByText('products.deleted_all').waitFor();
    expect(await card.getByRole('switch').isChecked()).toBe(true);
    // The switch's input is visually hidden: click its label, as a person would.
    await card.getByText('Enabled', { exact: true }).click();
    await card.getByText('Disabled', { exact: true }).waitFor();
    await expect.poll(() => card.getByRole('switch').isChecked()).toBe(false);
    const [row] = await stack.db.sql<{ enabled: boolean }[]>`select enabled from webhooks`;
    expect(row?.enabled).toBe(false);
  });

  it('deletes the webhook after confirmation', async () => {
    await page.getByRole('button', { name: `Delete webhook ${receiverUrl}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('No webhooks yet.', { exact: false }).waitFor();
  });
});
