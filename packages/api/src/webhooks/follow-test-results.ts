import type { Db } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import {
  AppError,
  webhookTestChannel,
  ZWebhookTestResult,
  type TWebhookTestResult,
} from '@acme/shared';
import { openBusInbox } from '../bus-inbox.ts';
import { getWebhook } from './webhook-records.ts';

/**
 * How often a subscriber looks at the stored result when the bus brought nothing. Tests are rare
 * and a result is only missed when pub/sub lost it, so this is slower than an import's poll.
 */
export const TEST_RESULT_POLL_MS = 5_000;

interface FollowDeps {
  db: Db;
  bus: Bus;
  logger: Logger;
}

const sameResult = (a: TWebhookTestResult, b: TWebhookTestResult) =>
  a.deliveryId === b.deliveryId && a.at.getTime() === b.at.getTime();

/**
 * The webhook's test results, for `webhooks.onTestResult`: the stored last one first (so a client
 * that subscribes after starting a test still gets its result when it came first), then each new
 * one as the worker publishes it. Pub/sub loses messages and Redis may be down, so without a
 * message for TEST_RESULT_POLL_MS the stored result is read again and yielded if it is new. Ends
 * when the webhook is deleted.
 */
export async function* followTestResults(
  deps: FollowDeps,
  id: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<TWebhookTestResult, void> {
  // Subscribe before reading the stored result, so none can fall between the two.
  const inbox = openBusInbox(deps.bus, webhookTestChannel(id), {
    parse: (message) => {
      const parsed = ZWebhookTestResult.safeParse(message);
      return parsed.success ? parsed.data : undefined;
    },
    pollMs: TEST_RESULT_POLL_MS,
    signal,
    onMalformed: () => deps.logger.warn({ webhookId: id }, 'ignored a malformed test result'),
    onListenerError: (error) =>
      deps.logger.warn({ err: error, webhookId: id }, 'test result listener failed'),
  });

  /** The stored result; null if none, undefined when the webhook is gone. */
  const readStored = async (): Promise<TWebhookTestResult | null | undefined> => {
    try {
      return (await getWebhook(deps.db, id)).lastTest;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return undefined;
      deps.logger.warn({ err: error, webhookId: id }, 'could not read the test result; will retry');
      return null;
    }
  };

  try {
    let last = (await getWebhook(deps.db, id)).lastTest;
    if (last) yield last;
    for (;;) {
      const messages = await inbox.take();
      if (!messages) return;
      let results: TWebhookTestResult[] = messages;
      if (messages.length === 0) {
        const stored = await readStored();
        if (stored === undefined) return;
        results = stored ? [stored] : [];
      }
      for (const result of results) {
        if (last && sameResult(last, result)) continue;
        last = result;
        yield result;
      }
    }
  } finally {
    inbox.close();
  }
}
