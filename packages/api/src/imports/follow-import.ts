import { tracked, type TrackedEnvelope } from '@trpc/server';
import type { Db } from '@acme/db';
import type { Bus } from '@acme/realtime';
import type { Logger } from '@acme/runtime/logger';
import { importChannel, ZImportMessage, type TImport } from '@acme/shared';
import { findImport, importNotFound, isFinal } from '@acme/jobs/import-state';
import { openBusInbox } from '../bus-inbox.ts';

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
  // Subscribe before reading the current state, so no change can fall between the two.
  const inbox = openBusInbox(deps.bus, importChannel(id), {
    parse: (message) => {
      const parsed = ZImportMessage.safeParse(message);
      return parsed.success && parsed.data.id === id ? parsed.data : undefined;
    },
    pollMs: PROGRESS_POLL_MS,
    signal,
    onMalformed: () =>
      deps.logger.warn({ importId: id }, 'ignored a malformed import state on the bus'),
    onListenerError: (error) =>
      deps.logger.warn({ err: error, importId: id }, 'import progress listener failed'),
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
      const messages = await inbox.take();
      if (!messages) return;
      fromBus = messages;
      fromDatabase = fromBus.length === 0 ? await readState() : undefined;
    }
  } finally {
    inbox.close();
  }
}
