import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { TransactionSql } from './client.ts';

/**
 * Streams `source` into a `COPY … FROM STDIN` inside a transaction, with backpressure, and
 * settles when the COPY has committed to the transaction, or fails.
 *
 * Why not `pipeline(source, await query.writable())`: when the server rejects the COPY after the
 * last byte was sent (a constraint or trigger failing on the last rows, disk full), postgres.js
 * 3.4.9 never settles the writable (porsager/postgres#1173), so the pipeline hangs and the
 * transaction never rolls back. So after CopyDone this sends a probe query behind the COPY on the
 * same connection: it answers once the COPY is over, and fails if the COPY failed, because the
 * transaction is then aborted. Errors while the data still flows arrive on the writable as usual.
 */
export async function copyIn(
  tx: TransactionSql,
  query: { writable: () => Promise<Writable> },
  source: AsyncIterable<Buffer>,
): Promise<void> {
  const copy = await query.writable();
  const failed = once(copy, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => {}); // observed through the races below
  let flushed = Promise.resolve();
  try {
    for await (const piece of source) {
      flushed = new Promise((resolve) => copy.write(piece, () => resolve()));
      if (copy.writableNeedDrain) await Promise.race([once(copy, 'drain'), failed]);
    }
    // Every piece handed to the socket: ending now sends CopyDone before anything else.
    await Promise.race([flushed, failed]);
  } catch (error) {
    // Sends CopyFail, so the connection leaves COPY mode and the transaction can roll back.
    copy.destroy(error as Error);
    throw error;
  }
  copy.end();
  await new Promise((resolve) => setImmediate(resolve)); // _final (CopyDone) has run
  try {
    await Promise.race([tx`select 1`, failed]);
  } catch (error) {
    throw new Error('COPY FROM STDIN failed; the transaction is aborted', { cause: error });
  }
}
