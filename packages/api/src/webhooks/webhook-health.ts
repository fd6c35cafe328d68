import type { Sql } from '@acme/db';
import { HEALTH_WINDOW_HOURS, type TWebhookHealth } from '@acme/shared';

/**
 * How each webhook's endpoint did over the last 24 hours: requests made (deliveries and tests),
 * how many succeeded, and the median and 95th percentile response time of those answered. Only
 * requests to the current URL count (a changed URL is a new endpoint). One index range scan per
 * webhook on (webhook_id, at).
 */
export async function webhookHealth(sql: Sql): Promise<TWebhookHealth[]> {
  const rows = await sql<
    {
      webhookId: string;
      attempts: number;
      succeeded: number;
      p50Ms: number | null;
      p95Ms: number | null;
    }[]
  >`
    select w.id as "webhookId", h.attempts, h.succeeded, h.p50 as "p50Ms", h.p95 as "p95Ms"
    from webhooks w
    cross join lateral (
      select count(*)::int as attempts,
             count(*) filter (where a.error is null)::int as succeeded,
             round(percentile_cont(0.5) within group (order by a.response_time_ms)
                   filter (where a.status_code is not null))::int as p50,
             round(percentile_cont(0.95) within group (order by a.response_time_ms)
                   filter (where a.status_code is not null))::int as p95
      from webhook_delivery_attempts a
      where a.webhook_id = w.id
        and a.at >= greatest(now() - make_interval(hours => ${HEALTH_WINDOW_HOURS}), w.url_changed_at)
    ) h
    order by w.created_at desc, w.id`;
  return rows.map((row) => ({
    ...row,
    successRate: row.attempts > 0 ? row.succeeded / row.attempts : null,
  }));
}
