import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per dashboard sign-in. The cookie names the row (and is signed, so the table alone
 * cannot forge one); signing out deletes it, which ends that session on every server at once,
 * open WebSockets included. Expired rows are deleted at the next sign-in.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text().primaryKey(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [index('sessions_expires_at_idx').on(table.expiresAt)],
);
