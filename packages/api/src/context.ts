import type { Db, Sql } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { Config } from '@acme/runtime/config';
import type { Logger } from '@acme/runtime/logger';
import type { ProductListCache } from './products/list-cache.ts';

/** Who is calling: the dashboard's session, another service's API token, or nobody known. */
export type Caller =
  { kind: 'session'; sessionId: string } | { kind: 'token' } | { kind: 'anonymous' };

/** What a procedure may use. Built once per HTTP request or WebSocket connection. */
export interface Context {
  db: Db;
  sql: Sql;
  bus: Bus;
  /** products.list answers per catalogue version; one per server process. */
  productList: ProductListCache;
  config: Pick<Config, 'MAX_UPLOAD_BYTES' | 'WEBHOOK_ALLOW_PRIVATE' | 'IMPORT_UNDO_DAYS'>;
  logger: Logger;
  requestId: string;
  caller: Caller;
  /** True when ADMIN_PASSWORD or API_TOKENS is set: anonymous callers are refused. */
  authRequired: boolean;
  /** Set on a WebSocket's context: its subscriptions running now (see `limitSubscriptions`). */
  subscriptionSlots?: { running: number };
}

/** The long-lived parts of a context; the server adds the request-scoped ones. */
export type ContextServices = Omit<Context, 'logger' | 'requestId' | 'caller'> & {
  logger: Logger;
};
