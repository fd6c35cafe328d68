import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireExternalServices } from './config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.MAX_UPLOAD_BYTES).toBe(1024 ** 3);
    expect(config.WEBHOOK_ALLOW_PRIVATE).toBe(false);
    // Unset services mean embedded PostgreSQL / in-process messaging, never a guessed address.
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.API_TOKENS).toEqual([]);
    expect(config.ADMIN_PASSWORD).toBeUndefined();
  });

  it('reads API_TOKENS as a comma-separated list and refuses short tokens', () => {
    const long = 'a'.repeat(16);
    const other = 'b'.repeat(20);
    expect(loadConfig({ API_TOKENS: ` ${long}, ${other},` }).API_TOKENS).toEqual([long, other]);
    expect(() => loadConfig({ API_TOKENS: `${long},short` })).toThrow(
      /API_TOKENS=.*each token must be at least 16 characters/,
    );
    expect(() => loadConfig({ ADMIN_PASSWORD: 'abc' })).toThrow(/ADMIN_PASSWORD=.*at least 8/);
  });

  it('lets a process that runs apart demand DATABASE_URL and REDIS_URL', () => {
    const both = loadConfig({ DATABASE_URL: 'postgres://h/db', REDIS_URL: 'redis://h:6379' });
    expect(requireExternalServices(both, 'server').REDIS_URL).toBe('redis://h:6379');
    const attempt = () =>
      requireExternalServices(loadConfig({ DATABASE_URL: 'postgres://h/db' }), 'worker');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/worker .* set REDIS_URL\.\n.*pnpm start/);
  });

  it('reads and coerces values', () => {
    const config = loadConfig({
      PORT: '8080',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WORKER_CONCURRENCY: '2',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      WEBHOOK_ALLOW_PRIVATE: true,
      WORKER_CONCURRENCY: 2,
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('names every bad variable and its value', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', WEBHOOK_ALLOW_PRIVATE: 'maybe' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT="eighty": must be a whole number, from 0 to 65535/);
    expect(attempt).toThrow(/DATABASE_URL="mysql:\/\/x": must start with postgres/);
    expect(attempt).toThrow(/WEBHOOK_ALLOW_PRIVATE="maybe": must be true or false/);
  });

  it('says what each contract variable accepts when its value is bad (docs/contract.md section 5)', () => {
    const cases: [Record<string, string>, string][] = [
      [
        { DATABASE_URL: 'not a url' },
        'DATABASE_URL="not a url": must be a URL such as postgres://',
      ],
      [
        { REDIS_URL: 'cache:6379' },
        'REDIS_URL="cache:6379": must start with redis:// or rediss://',
      ],
      [{ REDIS_URL: 'nonsense' }, 'REDIS_URL="nonsense": must be a URL such as redis://'],
      [{ PORT: '-1' }, 'PORT="-1": must be a whole number, from 0 to 65535'],
      [
        { LOG_LEVEL: 'loud' },
        'LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent',
      ],
      [
        { MAX_UPLOAD_BYTES: '0' },
        'MAX_UPLOAD_BYTES="0": must be a whole number of bytes, 1 or more',
      ],
      [{ MAX_UPLOAD_BYTES: '1.5' }, 'MAX_UPLOAD_BYTES="1.5": must be a whole number of bytes'],
      [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY="0": must be a whole number, from 1 to 64'],
      [{ WORKER_CONCURRENCY: 'many' }, 'WORKER_CONCURRENCY="many": must be a whole number'],
      [{ WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'WEBHOOK_ALLOW_PRIVATE="maybe": must be true or false'],
    ];
    for (const [env, message] of cases) {
      let thrown: unknown;
      try {
        loadConfig(env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      // One line per variable: a value that is no URL is not also told its scheme is wrong.
      expect((thrown as Error).message.split('\n').slice(1), JSON.stringify(env)).toEqual([
        expect.stringContaining(message) as string,
      ]);
    }
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000"/);
  });

  it('has the webhook delivery defaults of docs/contract.md and validates overrides', () => {
    expect(loadConfig({})).toMatchObject({
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_RATE_LIMIT_PER_MINUTE: 60,
      WEBHOOK_CONCURRENCY: 16,
      WEBHOOK_RETRY_BASE_MS: 30_000,
    });
    expect(loadConfig({ WEBHOOK_RATE_LIMIT_PER_MINUTE: '0' }).WEBHOOK_RATE_LIMIT_PER_MINUTE).toBe(
      0,
    );
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: 'soon' })).toThrow(
      /WEBHOOK_TIMEOUT_MS="soon": must be a whole number of milliseconds, from 100 to 120000/,
    );
    expect(() => loadConfig({ WEBHOOK_RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(
      /WEBHOOK_RATE_LIMIT_PER_MINUTE="-1"/,
    );
  });

  it('never prints the value of a secret, nor a password inside a URL', () => {
    const secrets = {
      ADMIN_PASSWORD: 'hunter2',
      API_TOKENS: 'tok-0123456789abcdef,short-secret',
      SESSION_SECRET: 'too-short-session-secret',
      DATABASE_URL: 'mysql://app:db-pass-123@db:3306/app',
      REDIS_URL: 'http://:redis-pass-456@cache:6379',
    };
    let message = '';
    try {
      loadConfig(secrets);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const key of Object.keys(secrets)) expect(message).toContain(`${key}=`);
    for (const leaked of [
      'hunter2',
      'tok-0123',
      'short-secret',
      'too-short',
      'db-pass',
      'redis-pass',
    ])
      expect(message).not.toContain(leaked);
    expect(message).toContain('ADMIN_PASSWORD=(hidden, 7 characters): must be at least 8');
  });

  it('reads ALLOWED_ORIGINS and the upload limits', () => {
    expect(loadConfig({})).toMatchObject({
      ALLOWED_ORIGINS: [],
      UPLOAD_MAX_CONCURRENT: 10,
      UPLOAD_MAX_PER_CLIENT: 2,
      UPLOAD_IDLE_TIMEOUT_MS: 30_000,
    });
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'https://shop.example, http://localhost:5173' })
        .ALLOWED_ORIGINS,
    ).toEqual(['https://shop.example', 'http://localhost:5173']);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://shop.example/' })).toThrow(
      /ALLOWED_ORIGINS=.*each origin must look like/,
    );
  });
});
