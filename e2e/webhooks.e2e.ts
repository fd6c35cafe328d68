import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signPayload } from '@acme/jobs/webhooks';
import { screenshots, useE2e } from './harness.ts';

const WAIT = { timeout: 15_000 };

const e2e = useE2e({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });

let receiver: Server;
const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
/** Bodies containing any of these get a 500 (an endpoint that is down for them). */
const failing = new Set<string>();
/** This test's endpoint: a path of its own on the receiver, so tests never see each other's requests. */
let receiverUrl: string;
let testPath: string;
let tests = 0;

beforeAll(async () => {
  // The endpoint the webhooks point at: records each request and answers 200 (or 500, see above).
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if ([...failing].some((text) => body.includes(text))) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('down for maintenance');
      } else res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

beforeEach(() => {
  tests += 1;
  testPath = `/test-${tests}/`;
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${testPath}hook`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Calls a tRPC mutation from the page, as another tab or service would. */
async function mutate(path: string, input: unknown): Promise<void> {
  const status = await e2e.page.evaluate(
    async ({ path, input }) => {
      const response = await fetch(`/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: input }),
      });
      return response.status;
    },
    { path, input },
  );
  expect(status).toBe(200);
}

/** Creates a product through the API. */
const createProduct = (sku: string) => mutate('products.create', { sku, name: 'Kettle' });

/** A webhook on this test's endpoint for product.created, and the webhooks page showing it. */
async function openWithWebhook(): Promise<void> {
  const { page, stack } = e2e;
  await page.goto(`${stack.baseUrl}/webhooks`);
  await mutate('webhooks.create', { url: receiverUrl, events: ['product.created'] });
  await page.reload();
  await card().waitFor();
}

/** Sends a test event from the card and waits for its 200. */
async function sendTest(): Promise<void> {
  await card().getByRole('button', { name: 'Test', exact: true }).click();
  await card().locator('.badge.ok', { hasText: '200' }).waitFor(WAIT);
}

/** Creates a product and waits until its event reached the endpoint. */
async function createDelivered(sku: string): Promise<void> {
  await createProduct(sku);
  await expect.poll(() => forSku(sku).length, WAIT).toBe(1);
}

const card = () => e2e.page.getByRole('article', { name: /^Webhook / });
const deliveriesDialog = () => e2e.page.getByRole('dialog', { name: 'Deliveries' });
/** The log's delivery rows (not an opened delivery's detail below one) mentioning `text`. */
const rowsOf = (text: string) =>
  deliveriesDialog().locator('tbody tr:not(.detail-row)').filter({ hasText: text });
/** What this test's endpoint received for a product. */
const forSku = (sku: string) =>
  received.filter((request) => request.path.startsWith(testPath) && request.body.includes(sku));

async function openDeliveries(): Promise<void> {
  await card().getByRole('button', { name: 'Deliveries' }).click();
  await deliveriesDialog().waitFor();
}

async function closeDeliveries(): Promise<void> {
  await deliveriesDialog().getByRole('button', { name: 'Close' }).click();
  await deliveriesDialog().waitFor({ state: 'detached' });
}

describe('webhooks page', () => {
  it('has its own title, and a URL mistake goes away as soon as it is fixed', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/webhooks`);
    await page.getByText('No webhooks yet.', { exact: false }).waitFor();
    expect(await page.title()).toBe('Webhooks · Acme Product Importer');
    await screenshots(page, 'webhooks-empty');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add webhook' });
    const url = dialog.getByLabel('Endpoint URL');
    await url.fill('ftp://example.com/hook');
    await dialog.getByLabel('import.completed').uncheck();
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    await dialog.getByText('url must start with http:// or https://').waitFor();
    await dialog.getByText('Choose at least one event type').waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    await screenshots(page, 'webhooks-form-errors');

    // Typing a valid URL clears its message at once, without submitting again.
    await url.fill('https://example.com/hook');
    await dialog.getByText('url must start with http').waitFor({ state: 'detached' });
    expect(await url.getAttribute('aria-invalid')).toBeNull();
    await dialog.getByLabel('product.created').check();
    await dialog.getByText('Choose at least one event type').waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('adds a webhook and shows its secret once', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/webhooks`);
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
    await card()
      .getByText(`whsec_…${secret.slice(-4)}`)
      .waitFor();
    await card().getByLabel('Last 24 hours').getByText('no requests').waitFor();
  });

  it('tests the webhook, shows the answer live, and the endpoint health', async () => {
    const { page } = e2e;
    await openWithWebhook();
    await card().getByRole('button', { name: 'Test', exact: true }).click();
    await card().locator('.badge.ok', { hasText: '200' }).waitFor();
    await card()
      .getByText(/\d+ ms/)
      .first()
      .waitFor();
    const test = received.find(
      (request) => request.path.startsWith(testPath) && request.body.includes('webhook.test'),
    );
    expect(test?.headers['webhook-signature']).toMatch(/^v1,/);
    const health = card().getByLabel('Last 24 hours');
    await health.getByText('100% succeeded').waitFor();
    await health.getByText('1 of 1').waitFor();
    await health.getByText(/^median \d+ ms$/).waitFor();
    await screenshots(page, 'webhooks');
  });

  it('groups attempts under their delivery and shows the request and the answer', async () => {
    const { page } = e2e;
    await openWithWebhook();
    await sendTest();
    await createDelivered('HOOK-1');
    await openDeliveries();
    const row = rowsOf('product.created');
    await row.getByText('Succeeded').waitFor();
    await rowsOf('webhook.test').getByText('Succeeded').waitFor();
    // Newest first.
    const events = await deliveriesDialog()
      .locator('tbody tr:not(.detail-row) > td.mono')
      .allTextContents();
    expect(events).toEqual(['product.created', 'webhook.test']);

    await row.getByRole('button', { name: /^Details of product\.created/ }).click();
    const detail = deliveriesDialog().locator('.delivery-detail');
    await detail.getByText('"sku": "HOOK-1"', { exact: false }).waitFor();
    const [sent] = forSku('HOOK-1');
    await detail.getByText('Attempt 1').waitFor();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      await detail.getByRole('row', { name: new RegExp(`^${name} `) }).waitFor();
      expect(await detail.getByText(String(sent!.headers[name]), { exact: true }).count()).toBe(1);
    }
    await detail.getByText('thanks', { exact: true }).waitFor();
    await screenshots(page, 'webhooks-delivery-detail');
    await row.getByRole('button', { name: /^Details of product\.created/ }).click();
    await detail.waitFor({ state: 'detached' });
  });

  it('updates the log live and filters it by status and event type', async () => {
    const { page } = e2e;
    await openWithWebhook();
    await sendTest();
    await createDelivered('HOOK-1');
    await openDeliveries();
    await rowsOf('product.created').getByText('Succeeded').waitFor();
    await createProduct('HOOK-2');
    // No reload: the new delivery arrives over the WebSocket.
    await expect.poll(() => rowsOf('product.created').count(), WAIT).toBe(2);
    await expect.poll(() => rowsOf('product.created').getByText('Succeeded').count(), WAIT).toBe(2);

    await deliveriesDialog().getByLabel('Event').selectOption('webhook.test');
    await expect.poll(() => rowsOf('product.created').count(), WAIT).toBe(0);
    expect(await rowsOf('webhook.test').count()).toBe(1);
    await deliveriesDialog().getByLabel('Event').selectOption('');
    await deliveriesDialog().getByLabel('Status').selectOption('failed');
    await deliveriesDialog().getByText('No deliveries match these filters.').waitFor();
    await screenshots(page, 'webhooks-deliveries-filtered');
    await deliveriesDialog().getByLabel('Status').selectOption('');
    await expect.poll(() => rowsOf('product.created').count(), WAIT).toBe(2);
  });

  it('retries a failing delivery now, once the endpoint works again', async () => {
    const { page } = e2e;
    await openWithWebhook();
    await openDeliveries();
    failing.add('HOOK-3');
    await createProduct('HOOK-3');
    await expect.poll(() => forSku('HOOK-3').length, WAIT).toBe(1);
    const row = rowsOf('product.created').first();
    await row.getByText('Retrying').waitFor(WAIT);
    await row.getByText(/^next try /).waitFor();
    await screenshots(page, 'webhooks-deliveries');

    failing.delete('HOOK-3');
    await row.getByRole('button', { name: /^Retry now/ }).click();
    await page.getByText('Retrying the delivery now').waitFor();
    await expect.poll(() => forSku('HOOK-3').length, WAIT).toBe(2);
    await row.getByText('Succeeded').waitFor(WAIT);
    const [first, again] = forSku('HOOK-3');
    expect(again!.headers['webhook-id']).toBe(first!.headers['webhook-id']);

    // Both attempts sit under the one delivery.
    await row.getByRole('button', { name: /^Details of/ }).click();
    const detail = deliveriesDialog().locator('.delivery-detail');
    await detail.getByText('Attempt 2').waitFor();
    await detail.getByText('Attempt 1').waitFor();
    await detail.getByText('down for maintenance').waitFor();
    await detail.getByText('the endpoint answered 500').waitFor();
    await row.getByRole('button', { name: /^Details of/ }).click();
  });

  it('resends a delivered product event with the same webhook-id', async () => {
    const { page } = e2e;
    await openWithWebhook();
    await sendTest();
    await createDelivered('HOOK-1');
    await openDeliveries();
    const row = rowsOf('product.created').last();
    await row.getByText('Succeeded').waitFor();
    await row.getByRole('button', { name: /^Resend/ }).click();
    await page.getByText('Delivery queued to be sent again').waitFor();
    await expect.poll(() => forSku('HOOK-1').length, WAIT).toBe(2);
    const [first, again] = forSku('HOOK-1');
    expect(again!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    // Tests are not resent.
    expect(
      await rowsOf('webhook.test')
        .getByRole('button', { name: /^Resend/ })
        .count(),
    ).toBe(0);
  });

  it('recovers every failed delivery since a time', async () => {
    const { page, stack } = e2e;
    await openWithWebhook();
    for (const sku of ['HOOK-1', 'HOOK-2', 'HOOK-3']) await createDelivered(sku);
    await openDeliveries();
    await expect.poll(() => rowsOf('product.created').getByText('Succeeded').count(), WAIT).toBe(3);
    // Two deliveries that gave up after their last retry (a day of failures is too long to wait).
    await stack.db.sql`
      update webhook_deliveries set status = 'failed', attempts = 9, finished_at = now()
      where event_type = 'product.created'
        and event_id in (select id from events where data->>'sku' in ('HOOK-1', 'HOOK-2'))`;
    await deliveriesDialog().getByLabel('Status').selectOption('failed');
    await expect.poll(() => rowsOf('product.created').count(), WAIT).toBe(2);
    await deliveriesDialog().getByLabel('Status').selectOption('');

    await deliveriesDialog().getByRole('button', { name: 'Recover failed…' }).click();
    const form = deliveriesDialog().getByRole('form', { name: 'Recover failed deliveries' });
    const since = form.getByLabel('Re-send every failed delivery since');
    // A time in the future is refused in place, and the message goes once it is fixed.
    await since.fill('2999-01-01T00:00');
    await form.getByRole('button', { name: 'Recover' }).click();
    await form.getByText('Choose a time in the past').waitFor();
    const hourAgo = new Date(Date.now() - 3_600_000 - new Date().getTimezoneOffset() * 60_000);
    await since.fill(hourAgo.toISOString().slice(0, 16));
    await form.getByText('Choose a time in the past').waitFor({ state: 'detached' });
    await screenshots(page, 'webhooks-recover');
    const toThisTest = () => received.filter((request) => request.path.startsWith(testPath));
    const before = toThisTest().length;
    await form.getByRole('button', { name: 'Recover' }).click();
    await page.getByText('2 failed deliveries will be sent again').waitFor();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => toThisTest().length - before, WAIT).toBe(2);
    await expect.poll(() => rowsOf('product.created').getByText('Succeeded').count(), WAIT).toBe(3);
    await closeDeliveries();
  });

  it('rotates the secret: both secrets sign for a day', async () => {
    const { page, stack } = e2e;
    await openWithWebhook();
    const oldSecret = await stack.db.sql<{ secret: string }[]>`select secret from webhooks`;
    await card().getByRole('button', { name: 'Rotate secret' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Rotate the signing secret?' });
    await confirm.getByRole('button', { name: 'Rotate secret' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Signing secret' });
    const newSecret = await secretDialog.getByLabel('Signing secret').inputValue();
    expect(newSecret).not.toBe(oldSecret[0]!.secret);
    await secretDialog.getByText('The previous secret keeps signing alongside it until').waitFor();
    await screenshots(page, 'webhooks-rotated-secret');
    await secretDialog.getByRole('button', { name: 'I have stored it' }).click();
    await card()
      .getByText(`whsec_…${oldSecret[0]!.secret.slice(-4)}`)
      .waitFor();
    await card()
      .getByText(/also signs until/)
      .waitFor();

    await createProduct('HOOK-4');
    await expect.poll(() => forSku('HOOK-4').length, WAIT).toBe(1);
    const [request] = forSku('HOOK-4');
    const id = String(request!.headers['webhook-id']);
    const timestamp = Number(request!.headers['webhook-timestamp']);
    expect(request!.headers['webhook-signature']).toBe(
      `${signPayload(newSecret, id, timestamp, request!.body)} ` +
        signPayload(oldSecret[0]!.secret, id, timestamp, request!.body),
    );
    await screenshots(page, 'webhooks-rotating');
  });

  it('forgets the last test and the health of the old URL after a URL change', async () => {
    const { page } = e2e;
    await openWithWebhook();
    await sendTest();
    await card().getByText('Last test:').waitFor();
    expect(await card().locator('.badge.ok', { hasText: '200' }).count()).toBe(1);
    await card().getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit webhook' });
    await dialog.getByLabel('Endpoint URL').fill(`${receiverUrl}/v2`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('article', { name: `Webhook ${receiverUrl}/v2` }).waitFor();
    await card().getByText('never').waitFor();
    await card().getByLabel('Last 24 hours').getByText('no requests').waitFor();
  });

  it('edits the webhook: turns it off and changes its events', async () => {
    const { page, stack } = e2e;
    await openWithWebhook();
    await card().getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit webhook' });
    await dialog.getByLabel('products.deleted_all').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await card().getByText('products.deleted_all').waitFor();
    expect(await card().getByRole('switch').isChecked()).toBe(true);
    // The switch's input is visually hidden: click its label, as a person would.
    await card().getByText('Enabled', { exact: true }).click();
    await card().getByText('Disabled', { exact: true }).waitFor();
    await expect.poll(() => card().getByRole('switch').isChecked()).toBe(false);
    // The switch answers at once; the server's write follows.
    const enabled = async () =>
      (await stack.db.sql<{ enabled: boolean }[]>`select enabled from webhooks`)[0]?.enabled;
    await expect.poll(enabled, WAIT).toBe(false);
  });

  it('deletes the webhook after confirmation', async () => {
    const { page } = e2e;
    await openWithWebhook();
    await page.getByRole('button', { name: `Delete webhook ${receiverUrl}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('No webhooks yet.', { exact: false }).waitFor();
  });
});
