export interface UploadProgress {
  loaded: number;
  total: number;
}

export class UploadError extends Error {
  override name = 'UploadError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/**
 * POSTs the file as multipart field `file` to `/api/imports`, with `review=true`: the import stops
 * in `review` once its rows are read and compared, and writes only after a person confirms.
 * XMLHttpRequest, not fetch, because only XHR reports upload progress. Resolves with the new
 * import's id (202).
 */
export function uploadCsv(
  baseUrl: string,
  file: File,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<{ importId: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${baseUrl}/api/imports`);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) =>
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.onload = () => {
      let body: { importId?: string; message?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON: fall through to the status-based message
      }
      if (xhr.status === 202 && body.importId) return resolve({ importId: body.importId });
      const fallback =
        xhr.status === 413
          ? 'The file is larger than the server accepts.'
          : `The server answered ${xhr.status} ${xhr.statusText}.`;
      reject(new UploadError(body.message ?? fallback, xhr.status));
    };
    xhr.onerror = () =>
      reject(new UploadError('Upload failed: the server could not be reached.', 0));
    xhr.onabort = () => reject(new UploadError('Upload cancelled.', 0));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('review', 'true');
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
