import { createSignal, onCleanup, Show } from 'solid-js';
import {
  hasImportFileExtension,
  IMPORT_FILE_EXTENSIONS,
  unreadSpreadsheetReason,
} from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { formatBytes } from './format.ts';
import { uploadCsv, type UploadProgress } from './upload.ts';
import { ProgressBar } from '../components/progress-bar.tsx';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The files the import reads: delimited text and Excel workbooks (plain, gzipped or zipped). */
const looksImportable = (file: File) =>
  hasImportFileExtension(file.name) ||
  file.type === 'text/csv' ||
  file.type === 'application/vnd.ms-excel' ||
  file.type === XLSX_TYPE;

/** The file input's id: "Upload another file" elsewhere on the page opens it. */
export const UPLOAD_INPUT_ID = 'import-file';

/** Drop a file or pick one; shows the bytes sent while the file travels to the server. */
export function UploadCard(props: {
  onUploaded: (importId: string) => void;
  /** True while a file travels to the server (an earlier import's panel makes way for it). */
  onUploading?: (uploading: boolean) => void;
}) {
  const { baseUrl } = useApi();
  const [over, setOver] = createSignal(false);
  const [file, setFile] = createSignal<File | null>(null);
  const [progress, setProgress] = createSignal<UploadProgress | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let input: HTMLInputElement | undefined;
  let abort: AbortController | undefined;
  onCleanup(() => abort?.abort());

  const start = (picked: File | undefined) => {
    if (!picked) return;
    setError(null);
    const unread = unreadSpreadsheetReason(picked.name);
    if (unread) {
      setError(unread);
      return;
    }
    if (!looksImportable(picked)) {
      setError(
        `"${picked.name}" is not a file the import reads. Choose a CSV, TSV or text file or an Excel workbook (.xlsx), also gzipped or zipped.`,
      );
      return;
    }
    setFile(picked);
    props.onUploading?.(true);
    setProgress({ loaded: 0, total: picked.size });
    abort = new AbortController();
    uploadCsv(baseUrl, picked, setProgress, abort.signal)
      .then(({ importId }) => props.onUploaded(importId))
      .catch((reason: unknown) =>
        setError(reason instanceof Error ? reason.message : String(reason)),
      )
      .finally(() => {
        props.onUploading?.(false);
        setFile(null);
        setProgress(null);
        if (input) input.value = '';
      });
  };

  const percent = () => {
    const p = progress();
    return p && p.total > 0 ? Math.round((p.loaded / p.total) * 100) : 0;
  };

  return (
    <section class="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Import a file</h2>
      <Show
        when={file()}
        fallback={
          <div
            class="dropzone"
            classList={{ over: over() }}
            onDragOver={(event) => {
              event.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={(event) => {
              event.preventDefault();
              setOver(false);
              start(event.dataTransfer?.files[0]);
            }}
          >
            <p>
              Drag a CSV or TSV file or an Excel workbook (.xlsx, first sheet) here, also gzipped or
              zipped, or
            </p>
            <label class="button primary file-button">
              Choose a file
              <input
                ref={(el) => (input = el)}
                id={UPLOAD_INPUT_ID}
                class="visually-hidden"
                type="file"
                accept={`${IMPORT_FILE_EXTENSIONS.join(',')},text/csv,text/tab-separated-values,text/plain,application/gzip,application/zip,${XLSX_TYPE}`}
                onChange={(event) => start(event.currentTarget.files?.[0])}
                // Space opens a file input; Enter does too here, as on any button.
                onKeyDown={(event) => {
                  if (event.key === 'Enter') {
                    event.preventDefault();
                    event.currentTarget.click();
                  }
                }}
              />
            </label>
            <p class="muted">
              Columns: <span class="mono">sku</span>, <span class="mono">name</span>, optional{' '}
              <span class="mono">description</span> and <span class="mono">active</span>, or the
              names shops and suppliers use for them. You review the columns and what the import
              will change before anything is written.
            </p>
          </div>
        }
      >
        <div class="row" style={{ 'justify-content': 'space-between' }}>
          <strong>Uploading {file()?.name}</strong>
          <button type="button" class="small" onClick={() => abort?.abort()}>
            Cancel upload
          </button>
        </div>
        <ProgressBar label="Upload progress" percent={percent()} />
        <p class="muted">
          {formatBytes(progress()?.loaded ?? 0)} of {formatBytes(progress()?.total ?? 0)} (
          {percent()}%)
        </p>
      </Show>
      <Show when={error()}>
        <p class="alert" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  );
}
