import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

const postgresUrl = z
  .url({ error: 'must be a URL such as postgres://user@host:5432/db', abort: true })
  .refine(
    (value) => /^postgres(ql)?:\/\//.test(value),
    'must start with postgres:// or postgresql://',
  );

const redisUrl = z
  .url({ error: 'must be a URL such as redis://127.0.0.1:6379', abort: true })
  .refine((value) => /^rediss?:\/\//.test(value), 'must start with redis:// or rediss://');

/**
 * A whole number (of `unit`, if given) from `min` to `max`, coerced from the environment's text.
 * One message for every way it can be wrong, so WORKER_CONCURRENCY=0 says what is allowed rather
 * than "must be a number".
 */
function wholeNumber(min: number, max?: number, unit?: string) {
  const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
  const error = `must be a whole number${unit ? ` of ${unit}` : ''}, ${range}`;
  const atLeast = z.coerce.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? atLeast : atLeast.max(max, { error });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable the processes read (the README's Configuration table), with its default. */
export const ZConfig = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Unset: `pnpm start` runs an embedded PostgreSQL (data in .data/postgres). */
  DATABASE_URL: postgresUrl.optional(),
  /** Unset: `pnpm start` uses an in-process bus and rate limiter (one process only). */
  REDIS_URL: redisUrl.optional(),
  /** Namespaces every Redis key and channel, so several deployments or test runs share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]*$/, 'may hold letters, digits and _ : . - only')
    .default('acme:'),
  PORT: wholeNumber(0, 65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
  MAX_UPLOAD_BYTES: wholeNumber(1, undefined, 'bytes').default(1024 ** 3),
  WORKER_CONCURRENCY: wholeNumber(1, 64).default(4),
  WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
  /** How long a webhook request may take, answer included, before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: wholeNumber(100, 120_000, 'milliseconds').default(10_000),
  /** Deliveries per minute to one webhook, shared by all workers; 0 turns the limit off. */
  WEBHOOK_RATE_LIMIT_PER_MINUTE: wholeNumber(0).default(60),
  /**
   * Webhook requests one worker process has in flight at most (apart from WORKER_CONCURRENCY).
   * Above rate limit × timeout (60/min × 10 s = 10), so one slow webhook sending at its full rate
   * cannot hold every slot.
   */
  WEBHOOK_CONCURRENCY: wholeNumber(1, 256).default(16),
  /** Nominal delay before the first retry; each later retry waits 3× longer (8 retries ≈ a day). */
  WEBHOOK_RETRY_BASE_MS: wholeNumber(1, undefined, 'milliseconds').default(30_000),
  /** Days the file of a failed or cancelled import stays stored for a retry; 0 keeps it forever. */
  IMPORT_FILE_RETENTION_DAYS: wholeNumber(0, undefined, 'days').default(7),
  /**
   * Days an import can be reverted and deleted products restored (its journal and the deleted
   * products are kept that long); 0 turns undo off (nothing is journaled or kept).
   */
  IMPORT_UNDO_DAYS: wholeNumber(0, 365, 'days').default(7),
  /** Days finished webhook deliveries (their events and attempt log) are kept; 0 keeps them. */
  WEBHOOK_LOG_RETENTION_DAYS: wholeNumber(0, undefined, 'days').default(30),
  /** How many connections each process's postgres.js pool may open. */
  DATABASE_POOL_MAX: wholeNumber(1, 200).default(10),
  /** Directory of the built dashboard that the server serves; empty disables it. */
  WEB_DIST_DIR: z.string().optional(),
  /** Enables sign-in: the dashboard asks for it; the API needs the session or an API token. */
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /** Comma-separated bearer tokens for other services' typed clients; also enables access control. */
  API_TOKENS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token.length > 0),
    )
    .pipe(z.array(z.string().min(16, 'each token must be at least 16 characters')))
    .default([]),
  /**
   * Browser origins besides the server's own that may use its session cookie (and, with access
   * control off, its network position) for uploads and WebSockets; comma-separated.
   */
  ALLOWED_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    )
    .pipe(
      z.array(
        z
          .string()
          .refine(
            (origin) => URL.canParse(origin) && new URL(origin).origin === origin,
            'each origin must look like https://host or http://host:port (no path, no trailing /)',
          ),
      ),
    )
    .default([]),
  /** Uploads stored at once by one server (each holds a database connection while it arrives). */
  UPLOAD_MAX_CONCURRENT: wholeNumber(1, 100).default(10),
  /** Uploads stored at once from one client address, so a few clients cannot hold every slot. */
  UPLOAD_MAX_PER_CLIENT: wholeNumber(1, 100).default(2),
  /** An upload that sends nothing for this long is aborted and rolled back. */
  UPLOAD_IDLE_TIMEOUT_MS: wholeNumber(100, undefined, 'milliseconds').default(30_000),
  /** Signs session cookies, with ADMIN_PASSWORD (changing either signs everyone out). */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Where the embedded PostgreSQL keeps its data when DATABASE_URL is unset. */
  EMBEDDED_POSTGRES_DIR: z.string().min(1).default('.data/postgres'),
  /** Milliseconds that in-flight work gets to finish after SIGTERM. */
  SHUTDOWN_TIMEOUT_MS: wholeNumber(0, undefined, 'milliseconds').default(10_000),
});
export type Config = z.infer<typeof ZConfig>;

/** Never printed: an error names the variable and what is wrong, not the value. */
const SECRET_KEYS = new Set(['ADMIN_PASSWORD', 'API_TOKENS', 'SESSION_SECRET']);

/** A value as an error message may show it: secrets hidden, URL passwords masked. */
function printable(key: string, value: string | undefined): string {
  if (value === undefined) return '(unset)';
  if (SECRET_KEYS.has(key)) return `(hidden, ${value.length} characters)`;
  const url = URL.parse(value);
  if (url?.password) {
    url.password = '***';
    return JSON.stringify(url.toString());
  }
  // Not a URL the parser took, but it may still hold user:password@: keep that part out.
  return JSON.stringify(value.replace(/\/\/[^/@\s]*@/, '//***@'));
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment once, at start. Empty strings count as unset so that
 * `FOO=` in a .env file falls back to the default instead of failing.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in ZConfig.shape && value !== ''),
  );
  const parsed = ZConfig.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    // The variable, not an item inside it (API_TOKENS.1); a secret's value is never shown.
    const key = String(issue.path[0]);
    return `  ${key}=${printable(key, env[key])}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** For the processes that need real services (`pnpm start:server`, `pnpm start:worker`). */
export function requireExternalServices(
  config: Config,
  processName: string,
): Config & { DATABASE_URL: string; REDIS_URL: string } {
  const missing = (['DATABASE_URL', 'REDIS_URL'] as const).filter((key) => !config[key]);
  const { DATABASE_URL, REDIS_URL } = config;
  if (DATABASE_URL && REDIS_URL) return { ...config, DATABASE_URL, REDIS_URL };
  throw new ConfigError(
    `The ${processName} runs apart from the others, so it needs shared services: set ${missing.join(' and ')}.\n` +
      'For a single process with an embedded PostgreSQL and in-process messaging, run `pnpm start`.',
  );
}

/**
 * For a process's entry point: the config `load` returns, or, when it throws a ConfigError, its
 * message on stderr (no stack: it says what to set) and exit code 78 (EX_CONFIG).
 */
export function configOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
}
