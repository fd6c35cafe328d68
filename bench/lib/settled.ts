import type { Sql } from 'postgres';
import { SEARCH_INDEXES } from '@acme/db';
import { timeIt } from './stats.ts';

/**
 * Waits until catalogue:maintain has rebuilt the list's indexes (a large import drops them) and
 * no import or maintenance job is waiting or running; returns how long that took, in ms.
 */
export function catalogueSettled(sql: Sql): Promise<number> {
  return timeIt(async () => {
    for (;;) {
      const [row] = await sql<{ valid: number; pending: number }[]>`
        select
          (select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid
           where c.relname in ${sql(Object.keys(SEARCH_INDEXES))} and i.indisvalid)::int as valid,
          (select count(*) from graphile_worker.jobs
           where task_identifier in ('catalogue:maintain', 'import:process_csv')
             and (locked_by is not null or run_at <= now()))::int as pending`;
      if (row && row.valid === Object.keys(SEARCH_INDEXES).length && row.pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
}
