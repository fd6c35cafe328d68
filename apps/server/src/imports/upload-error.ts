import { AppError } from '@acme/shared';

/** The client went away before the upload ended; nobody is left to answer. */
export class UploadAborted extends Error {
  override name = 'UploadAborted';
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `The file is larger than the limit of ${formatBytes(maxBytes)}; split it into smaller files`,
  );
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
