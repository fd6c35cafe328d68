import { vi } from 'vitest';

/**
 * Waits, polling with a deadline, until `check` returns something other than undefined or false,
 * and returns that. For conditions that produce a value; `expect.poll` suits plain assertions.
 */
export function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (value === undefined || value === false) throw new Error('condition not met in time');
      return value;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}
