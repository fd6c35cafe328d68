import { asDate, type Sql } from '@acme/db';
import { generateSecret } from '@acme/jobs/webhooks';
import type { TEventType } from '@acme/shared';

/** Test fixtures for webhook delivery tests: rows written directly, as the API would. */
export async function insertWebhook(
  sql: Sql,
  url: string,
  events: TEventType[] = ['product.created'],
): Promise<{ id: string; secret: string }> {
  const secret = generateSecret();
  const [row] = await sql<{ id: string }[]>`
    insert into webhooks (url, events, secret) values (${url}, ${events}, ${secret}) returning id`;
  if (!row) throw new Error('no webhook row');
  return { id: row.id, secret };
}

export interface AttemptRow {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  requestHeaders: Record<string, string> | null;
  nextAttemptAt: Date | null;
}

export async function attemptsOf(sql: Sql, webhookId: string): Promise<AttemptRow[]> {
  const rows = await sql<(Omit<AttemptRow, 'nextAttemptAt'> & { nextAttemptAt: string | null })[]>`
    select attempt, status_code as "statusCode", error, response_excerpt as "responseExcerpt",
           request_headers as "requestHeaders", next_attempt_at as "nextAttemptAt"
    from webhook_delivery_attempts where webhook_id = ${webhookId} order by id`;
  return rows.map((row) => ({
    ...row,
    nextAttemptAt: row.nextAttemptAt === null ? null : asDate(row.nextAttemptAt),
  }));
}
