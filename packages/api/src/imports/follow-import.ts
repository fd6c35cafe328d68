import { tracked, type TrackedEnvelope } from '@trpc/server';
import type { Db } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import { importChannel, ZImportMessage, type TImport } from '@acme/shared';
import { findImport, importNotFound, isFinal } from '@acme/jobs/import-state';

/** How long a subscriber waits for a bus message before it reads the state from Postgres. */
export const PROGRESS_POLL_MS = 2_000;

interface FollowDeps {
  db: Db;
  bus: Bus;
  logger: Logger;
}

/**
 * The states of one import, for `imports.onProgress`: the current one, then every newer one,
 * until a final one. Each is tracked by its `version`, so a reconnecting client that passes its
 * last version gets only newer states, and repeated or late bus messages are dropped. Redis
 * pub/sub loses messages (and is down at times), so whenever no message came for
 * PROGRESS_POLL_MS the state is read from Postgres, which is the record.
 */
export async function* followImport(
  deps: FollowDeps,
  id: string,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<TrackedEnvelope<TImport>, void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const inbox: TImport[] = [];
  let wake: (() => void) | undefined;

  // Subscribe before reading the current state, so no change can fall between the two.
  const pump = (async () => {
    for await (const message of deps.bus.subscribe(importChannel(id), stop.signal)) {
      const parsed = ZImportMessage.safeParse(message);
      if (!parsed.success || parsed.data.id !== id) {
        deps.logger.warn({ importId: id }, 'ignored a malformed import state on the bus');
        continue;
      }
      inbox.push(parsed.data);
      wake?.();
    }
  })();

  /** Resolves when a message is waiting, after PROGRESS_POLL_MS without one, or on abort. */
  const waitForMessage = () =>
    new Promise<void>((resolve) => {
      if (inbox.length > 0 || stop.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, PROGRESS_POLL_MS);
      wake = done;
      stop.signal.addEventListener('abort', done, { once: true });
    });

  /** The state in Postgres; undefined while Postgres does not answer (tried again later). */
  const readState = async (): Promise<TImport | undefined> => {
    let state: TImport | undefined;
    try {
      state = await findImport(deps.db, id);
    } catch (error) {
      deps.logger.warn({ err: error, importId: id }, 'could not read import state; will retry');
      return undefined;
    }
    if (!state) throw importNotFound(id);
    return state;
  };

  try {
    let lastVersion = lastEventId ? Number(lastEventId) : -1;
    const current = await findImport(deps.db, id);
    if (!current) throw importNotFound(id);
    let fromBus: TImport[] = [];
    let fromDatabase: TImport | undefined = current;
    for (;;) {
      for (const state of fromDatabase ? [fromDatabase] : fromBus) {
        if (state.version <= lastVersion) continue;
        lastVersion = state.version;
        yield tracked(String(state.version), state);
        if (isFinal(state)) return;
      }
      // Postgres says it is over and the client has that state already (e.g. on resume). A late
      // bus message is no such proof: a retry may have started the import again since.
      if (fromDatabase && isFinal(fromDatabase)) return;
      await waitForMessage();
      if (stop.signal.aborted) return;
      fromBus = inbox.splice(0);
      fromDatabase = fromBus.length === 0 ? await readState() : undefined;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
    // Not awaited: while Redis is down the listener only ends once Redis is back, and the
    // subscription must end (and reach the client) now.
    pump.catch((error: unknown) => {
      deps.logger.warn({ err: error, importId: id }, 'import progress listener failed');
    });
  }
}
