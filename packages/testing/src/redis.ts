/**
 * The Redis every test talks to: `TEST_REDIS_URL`, else the machine's on the default port. Tests
 * never read `REDIS_URL`, which may name the app's own Redis (the README's compose ports).
 */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
