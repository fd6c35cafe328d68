import { parseCronItems, type TaskList } from 'graphile-worker';
import type { JobDeps } from './deps.ts';
import { PROCESS_CSV_IMPORT } from './import/enqueue-import.ts';
import { processCsvImport } from './import/process-csv.ts';
import { RESCUE_STALLED_IMPORTS, rescueStalledImportsTask } from './import/rescue-stalled.ts';
import { MAINTAIN_CATALOGUE, maintainCatalogue } from './tasks/maintain-catalogue.ts';
import { PRUNE_HISTORY, pruneHistoryTask } from './tasks/prune-history.ts';
import { RECOVER_DELIVERIES, recoverDeliveriesTask } from './webhooks/recover.ts';

export function createTaskList(deps: JobDeps): TaskList {
  return {
    [MAINTAIN_CATALOGUE]: maintainCatalogue(deps),
    [PROCESS_CSV_IMPORT]: processCsvImport(deps),
    [RESCUE_STALLED_IMPORTS]: rescueStalledImportsTask(deps),
    [PRUNE_HISTORY]: pruneHistoryTask(deps),
    // Only requeues: the deliveries themselves run in the webhook runner.
    [RECOVER_DELIVERIES]: recoverDeliveriesTask(deps),
  };
}

export const cronItems = parseCronItems([
  {
    task: MAINTAIN_CATALOGUE,
    match: '* * * * *',
    options: { jobKey: MAINTAIN_CATALOGUE, backfillPeriod: 0 },
  },
  {
    // Restarts the self-scheduling rescue chain should it ever break.
    task: RESCUE_STALLED_IMPORTS,
    match: '* * * * *',
    options: { jobKey: RESCUE_STALLED_IMPORTS, backfillPeriod: 0, maxAttempts: 1 },
  },
  {
    task: PRUNE_HISTORY,
    match: '17 * * * *',
    options: { jobKey: PRUNE_HISTORY, backfillPeriod: 0, maxAttempts: 3 },
  },
]);
