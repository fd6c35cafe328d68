import { AppError, ZColumnMapping, type TColumnMapping } from '@acme/shared';
import type { UploadOptions } from '@acme/jobs/import-upload';

/**
 * Reads the upload's form fields (they may come before or after the file part); a value the
 * import cannot honour refuses the upload with a message naming the field and the problem.
 */
export function uploadOptions(fields: ReadonlyMap<string, string>): UploadOptions {
  return { mapping: mappingField(fields.get('mapping')), review: booleanField(fields, 'review') };
}

function booleanField(fields: ReadonlyMap<string, string>, name: string): boolean {
  const raw = fields.get(name);
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  throw new AppError(
    'BAD_REQUEST',
    `The field "${name}" must be true or false; nothing was stored`,
  );
}

function mappingField(raw: string | undefined): TColumnMapping | null {
  if (raw === undefined || raw.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new AppError(
      'BAD_REQUEST',
      `The field "mapping" is not valid JSON (${(error as Error).message}); send it like {"sku": "<column>", "name": "<column>"}. Nothing was stored.`,
    );
  }
  const parsed = ZColumnMapping.safeParse(json);
  if (!parsed.success)
    throw new AppError(
      'BAD_REQUEST',
      `The field "mapping" is not a column mapping: ${parsed.error.issues[0]?.message ?? 'invalid'}. Nothing was stored.`,
    );
  return parsed.data;
}
