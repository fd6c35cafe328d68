/** An upload refused for a reason the client can fix; `status` and `message` go in the answer. */
export class UploadError extends Error {
  override name = 'UploadError';
  readonly status: 400 | 408 | 413;

  constructor(status: 400 | 408 | 413, message: string) {
    super(message);
    this.status = status;
  }
}

/** The client went away before the upload ended; nobody is left to answer. */
export class UploadAborted extends Error {
  override name = 'UploadAborted';
}

export function tooLarge(maxBytes: number): UploadError {
  return new UploadError(
    413,
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
