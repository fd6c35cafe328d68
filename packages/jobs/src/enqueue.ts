import type { Sql, TransactionSql } from 'postgres';

export interface EnqueueOptions {
  jobKey?: string;
  queueName?: string;
  maxAttempts?: number;
  /** Sent as ISO text: drizzle replaced the shared pool's Date serializer. */
  runAt?: Date;
  priority?: number;
}

/**
 * Adds a graphile-worker job with SQL on the caller's connection, so that inside a transaction
 * the job commits or rolls back with the change that caused it (WorkerUtils.addJob uses its own
 * pool and cannot do that). The run time goes as text: drizzle replaces the pool's date serializer.
 */
export async function enqueueJob(
  sql: Sql | TransactionSql,
  identifier: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<void> {
  await sql`
    select graphile_worker.add_job(
      identifier => ${identifier},
      payload => ${JSON.stringify(payload)}::json,
      queue_name => ${options.queueName ?? null},
      run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? null},
      job_key => ${options.jobKey ?? null},
      priority => ${options.priority ?? null}
    )`;
}
