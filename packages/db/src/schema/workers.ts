import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per live graphile-worker pool (the id jobs are locked with, `pool-…`; the column keeps
 * graphile-worker's name for a lock owner), its process beating every few seconds: a job locked
 * by an id without a recent beat belongs to a dead process and is released at once, instead of
 * after graphile-worker's 4-hour lock expiry.
 */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  workerId: text().primaryKey(),
  beatAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
