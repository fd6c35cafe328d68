import { describe, expect, it } from 'vitest';
import { testConfig } from './config.ts';
import { TEST_REDIS_URL } from './redis.ts';

describe('testConfig', () => {
  it("runs on the test file's database and the test Redis, each call under a prefix of its own", () => {
    const a = testConfig({ url: 'postgres://postgres@127.0.0.1:5432/acme_test_a' });
    const b = testConfig({ url: 'postgres://postgres@127.0.0.1:5432/acme_test_b' });
    expect(a).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/acme_test_a',
      REDIS_URL: TEST_REDIS_URL,
      PORT: 0,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
    expect(a.REDIS_PREFIX).not.toBe(b.REDIS_PREFIX);
  });

  it('takes overrides as environment variables, validated like the real ones', () => {
    const config = testConfig({ url: 'postgres://h/db' }, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    expect(config.WEBHOOK_ALLOW_PRIVATE).toBe(true);
    expect(() => testConfig({ url: 'postgres://h/db' }, { PORT: 'eighty' })).toThrow(/PORT/);
  });
});
