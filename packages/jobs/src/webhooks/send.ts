import { Agent, request, type Dispatcher } from 'undici';
import { signatureHeader } from './signing.ts';
import { assertPublicUrl, publicOnlyLookup, UnsafeUrlError } from './url-guard.ts';

const EXCERPT_BYTES = 1024;
const USER_AGENT = 'Acme-Product-Importer-Webhooks/1.0';

export interface AttemptOutcome {
  ok: boolean;
  /** null when no answer came. */
  statusCode: number | null;
  responseTimeMs: number;
  error: string | null;
  responseExcerpt: string | null;
  /** The headers sent, for the log; null when no request was made (a refused address). */
  requestHeaders: Record<string, string> | null;
}

export interface SendOptions {
  url: string;
  /** The secrets in force: the current one, and the one a rotation replaced while it overlaps. */
  secrets: readonly string[];
  /** The `webhook-id`: the delivery's id, the same on every retry. */
  deliveryId: string;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  dispatcher: Dispatcher;
}

/**
 * The HTTP client for webhook requests. Unless private targets are allowed, every new connection
 * resolves its host through `publicOnlyLookup`, so the address that passed the SSRF check is the
 * one connected to. Redirects are never followed (undici's `request` has no redirect handling).
 */
export function createWebhookAgent(options: { allowPrivate: boolean }): Agent {
  return new Agent({
    connect: options.allowPrivate ? {} : { lookup: publicOnlyLookup },
    keepAliveTimeout: 4_000,
    // Our own abort signal bounds the whole attempt; these only need to stay out of its way.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

function describeError(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const unsafe = error instanceof UnsafeUrlError ? error : error.cause;
  if (unsafe instanceof UnsafeUrlError) return unsafe.message;
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

async function readExcerpt(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  // Leaving the loop early destroys the stream: a huge answer is never read past 1 KB.
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= EXCERPT_BYTES) break;
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES));
}

function statusError(statusCode: number, location: string | undefined): string | null {
  if (statusCode >= 200 && statusCode < 300) return null;
  if (statusCode >= 300 && statusCode < 400) {
    return `redirect (${statusCode}${location ? ` to ${location}` : ''}) not followed: use the final URL`;
  }
  return `the endpoint answered ${statusCode}`;
}

/**
 * One signed POST (Standard Webhooks): checks the target first (no request when it is refused),
 * then sends with a fresh timestamp and signature and reads up to 1 KB of the answer.
 * Never throws: every failure is an outcome to record.
 */
export async function sendSignedRequest(options: SendOptions): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let requestHeaders: Record<string, string> | null = null;
  try {
    if (!options.allowPrivate) await assertPublicUrl(options.url);
    const timestamp = Math.floor(Date.now() / 1000);
    requestHeaders = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': options.deliveryId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(
        options.secrets,
        options.deliveryId,
        timestamp,
        options.body,
      ),
    };
    const response = await request(options.url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: requestHeaders,
      body: options.body,
    });
    const location = response.headers['location'];
    const error = statusError(
      response.statusCode,
      typeof location === 'string' ? location : undefined,
    );
    try {
      const excerpt = await readExcerpt(response.body);
      return {
        ok: error === null,
        statusCode: response.statusCode,
        responseTimeMs: elapsed(),
        error,
        responseExcerpt: excerpt,
        requestHeaders,
      };
    } catch (bodyError) {
      // The status came but the body did not finish in time: a failure that keeps the status.
      const reason = describeError(bodyError, options.timeoutMs);
      return {
        ok: false,
        statusCode: response.statusCode,
        responseTimeMs: elapsed(),
        error: `${error ?? `answered ${response.statusCode}`}, then reading the body failed: ${reason}`,
        responseExcerpt: null,
        requestHeaders,
      };
    }
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      responseTimeMs: elapsed(),
      error: describeError(error, options.timeoutMs),
      responseExcerpt: null,
      // Set once the address passed the check: a request was attempted with these headers.
      requestHeaders,
    };
  }
}
