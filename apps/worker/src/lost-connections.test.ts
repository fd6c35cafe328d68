import { describe, expect, it } from 'vitest';
import { isLostConnection } from './lost-connections.ts';

describe('isLostConnection', () => {
  it('knows a terminated or unreachable PostgreSQL session', () => {
    for (const code of ['57P01', '08006', 'CONNECTION_CLOSED', 'ECONNREFUSED'])
      expect(isLostConnection(Object.assign(new Error('lost'), { code }))).toBe(true);
  });

  it('leaves every other failure to end the process', () => {
    for (const reason of [
      new TypeError("Cannot read properties of null (reading 'write')"),
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      'a string',
      null,
    ])
      expect(isLostConnection(reason)).toBe(false);
  });
});
