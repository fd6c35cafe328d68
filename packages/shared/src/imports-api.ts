import { z } from 'zod';
import { ZImport, ZImportError, ZImportId } from './imports.ts';
import { zPaged } from './paged.ts';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './products.ts';

/** Inputs and outputs of the `imports` procedures (docs/contract.md section 4). */

const ZPage = z.number().int().min(1).default(1);
const ZPageSize = z.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT);

export const ZImportById = z.object({ id: ZImportId });

export const ZImportListInput = z.object({ page: ZPage, pageSize: ZPageSize }).default({
  page: 1,
  pageSize: PAGE_SIZE_DEFAULT,
});
export type TImportListInput = z.input<typeof ZImportListInput>;

export const ZImportListOutput = zPaged(ZImport);

export const ZImportErrorsInput = z.object({ id: ZImportId, page: ZPage, pageSize: ZPageSize });
export type TImportErrorsInput = z.input<typeof ZImportErrorsInput>;

export const ZImportErrorsOutput = zPaged(ZImportError);

export const ZImportProgressInput = z.object({
  id: ZImportId,
  /** Set by the client on reconnect: the `version` of the last state it received. */
  lastEventId: z
    .string()
    .max(10, 'lastEventId must be an event id this subscription sent')
    .regex(/^\d{1,10}$/, 'lastEventId must be an event id this subscription sent')
    .nullish(),
});

/**
 * An import state as it travels on the bus: JSON, so its dates arrive as ISO strings.
 * Decoding it gives back a `TImport`.
 */
export const ZImportMessage = ZImport.extend({
  createdAt: z.coerce.date(),
  startedAt: z.coerce.date().nullable(),
  finishedAt: z.coerce.date().nullable(),
  revertibleUntil: z.coerce.date().nullable(),
  revertedAt: z.coerce.date().nullable(),
});
