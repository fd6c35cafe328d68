import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshots, useE2e } from './harness.ts';

const PASSWORD = 'correct horse battery';

const e2e = useE2e({
  env: { ADMIN_PASSWORD: PASSWORD },
  seed: async (stack) => {
    await stack.db.sql`insert into products (sku, name) values ('SIGNED-1', 'Behind the door')`;
  },
  timeoutMs: 10_000,
});

/** Signs in on the sign-in page with the right password, and waits for the catalogue. */
async function signIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/products`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Behind the door').waitFor();
}

describe('sign-in with ADMIN_PASSWORD set', () => {
  it('shows the sign-in page, not the catalogue, without a session', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products`);
    await page.getByRole('heading', { name: 'Acme Product Importer' }).waitFor();
    expect(await page.getByLabel('Password').isVisible()).toBe(true);
    expect(await page.getByText('Behind the door').count()).toBe(0);
    expect(await page.title()).toBe('Sign in · Acme Product Importer');
    await screenshots(page, 'sign-in');
  });

  it('says so on a wrong password, and lets nobody in', async () => {
    const { page, stack } = e2e;
    await page.goto(`${stack.baseUrl}/products`);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await page.getByText('Behind the door').count()).toBe(0);
  });

  it('opens the dashboard on the right password, with live updates over the WebSocket', async () => {
    const { page, stack } = e2e;
    await signIn(page, stack.baseUrl);
    // The socket opened after sign-in carries the cookie: the indicator says it is live.
    await page.getByText('Live', { exact: true }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'acme_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  });

  it('keeps the session across a reload', async () => {
    const { page, stack } = e2e;
    await signIn(page, stack.baseUrl);
    await page.reload();
    await page.getByText('Behind the door').waitFor();
  });

  it('signs out back to the sign-in page, and the API refuses the old tab', async () => {
    const { page, stack } = e2e;
    await signIn(page, stack.baseUrl);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(await page.getByText('Behind the door').count()).toBe(0);
    const refused = await page.evaluate(async () => (await fetch('/trpc/products.list')).status);
    expect(refused).toBe(401);
  });
});
