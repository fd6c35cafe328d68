import { fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionGate } from './session-gate.tsx';
import { SignOutButton } from './sign-out-button.tsx';

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** Answers /api/session calls in order, recording what the page sent. */
function fakeSessionServer(replies: Reply[]) {
  const calls: { method: string; body?: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((_url: string, init: RequestInit) => {
      calls.push({
        method: init.method ?? 'GET',
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      const reply = replies.shift();
      if (!reply) return Promise.reject(new TypeError('fetch failed'));
      return Promise.resolve(
        new Response(JSON.stringify(reply.body), { status: reply.status, headers: reply.headers }),
      );
    }),
  );
  return calls;
}

const signedOut = { status: 200, body: { authenticated: false, authRequired: true } };
const signedIn = { status: 200, body: { authenticated: true, authRequired: true } };

function renderGate() {
  return render(() => (
    <SessionGate baseUrl="http://app.test">
      {() => (
        <p>
          the dashboard <SignOutButton />
        </p>
      )}
    </SessionGate>
  ));
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('SessionGate', () => {
  it('opens the dashboard at once when the server has no access control', async () => {
    fakeSessionServer([{ status: 200, body: { authenticated: true, authRequired: false } }]);
    renderGate();
    await screen.findByText(/the dashboard/);
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('shows the sign-in page without a session, and the dashboard after the right password', async () => {
    const calls = fakeSessionServer([signedOut, signedIn]);
    renderGate();
    const password = await screen.findByLabelText('Password');
    expect(screen.queryByText(/the dashboard/)).toBeNull();
    fireEvent.input(password, { target: { value: 'secret password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText(/the dashboard/);
    expect(calls[1]).toEqual({ method: 'POST', body: { password: 'secret password' } });
  });

  it('shows the server message on a wrong password and clears the field', async () => {
    fakeSessionServer([signedOut, { status: 401, body: { message: 'Wrong password' } }]);
    renderGate();
    const password = await screen.findByLabelText('Password');
    fireEvent.input(password, { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong password');
    expect((password as HTMLInputElement).value).toBe('');
  });

  it('holds the button back for Retry-After seconds when attempts are limited', async () => {
    fakeSessionServer([
      signedOut,
      {
        status: 429,
        body: { message: 'Too many sign-in attempts; try again in 2 s' },
        headers: { 'retry-after': '2' },
      },
    ]);
    renderGate();
    const password = await screen.findByLabelText('Password');
    fireEvent.input(password, { target: { value: 'guess' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const waiting = await screen.findByRole('button', { name: 'Try again in 2 s' });
    expect((waiting as HTMLButtonElement).disabled).toBe(true);
    await screen.findByRole('button', { name: 'Sign in' }, { timeout: 4_000 });
  });

  it('asks for the password without calling the server when the field is empty', async () => {
    const calls = fakeSessionServer([signedOut]);
    renderGate();
    await screen.findByLabelText('Password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter the password');
    expect(calls).toHaveLength(1);
  });

  it('signs out back to the sign-in page', async () => {
    const calls = fakeSessionServer([signedIn, signedOut]);
    renderGate();
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await screen.findByText('You are signed out.');
    expect(screen.queryByText(/the dashboard/)).toBeNull();
    expect(calls.map((c) => c.method)).toEqual(['GET', 'DELETE']);
  });

  it('says when the server cannot be reached, and tries again on request', async () => {
    fakeSessionServer([]);
    renderGate();
    expect((await screen.findByRole('alert')).textContent).toMatch(/cannot be reached/);
    fakeSessionServer([signedIn]);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByText(/the dashboard/);
  });
});
