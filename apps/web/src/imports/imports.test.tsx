import { fireEvent, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TImport } from '@acme/shared';
import { renderWithApi } from '../test-utils.tsx';
import {
  formatBytes,
  formatText,
  phaseBadge,
  phaseText,
  skippedRowsText,
  timeLeftMs,
} from './format.ts';
import { ImportHistory } from './import-history.tsx';
import { ImportPanel } from './import-panel.tsx';
import { ImportsPage } from './imports-page.tsx';
import { uploadCsv } from './upload.ts';

const base: TImport = {
  id: '7c1e0d8e-8a40-4c1e-9f57-000000000001',
  filename: 'catalogue.csv',
  status: 'importing',
  error: null,
  bytesTotal: 1000,
  bytesProcessed: 500,
  rowsProcessed: 5000,
  created: 10,
  updated: 2,
  unchanged: 1,
  invalid: 0,
  duplicates: 0,
  blank: 0,
  format: null,
  columns: null,
  mapping: null,
  mappingSource: null,
  suggestions: null,
  rowsPerSecond: 2500,
  percent: 50,
  phase: 'writing',
  rowsToWrite: 100,
  rowsWritten: 12,
  interruptions: [],
  warnings: [],
  cancelRequested: false,
  review: false,
  preview: null,
  confirmedAt: null,
  attempts: 1,
  version: 3,
  createdAt: new Date('2026-01-01T10:00:00Z'),
  startedAt: new Date('2026-01-01T10:00:01Z'),
  finishedAt: null,
  revertibleUntil: null,
  revertedAt: null,
};

describe('how a file was read and the rows that wrote nothing', () => {
  it('names the encoding, delimiter and compression', () => {
    expect(formatText({ encoding: 'windows-1252', delimiter: ';', compression: 'gzip' })).toBe(
      'Windows-1252 · semicolon-separated · gzip-compressed',
    );
    expect(formatText({ encoding: 'utf-8', delimiter: ';', compression: 'zip' })).toBe(
      'UTF-8 · semicolon-separated · zipped',
    );
    expect(formatText({ encoding: 'utf-16le', delimiter: '\t', compression: null })).toBe(
      'UTF-16 LE · tab-separated',
    );
    expect(
      formatText({ encoding: 'utf-8', delimiter: ',', compression: null, profile: 'shopify' }),
    ).toBe('Shopify products export · UTF-8 · comma-separated');
    expect(formatText({ encoding: 'xlsx', delimiter: 'xlsx', compression: null })).toBe(
      'Excel workbook (.xlsx), first sheet',
    );
  });

  it('explains repeated SKUs and blank rows', () => {
    expect(skippedRowsText({ duplicates: 5969, blank: 1 })).toEqual([
      '5,969 rows repeated a SKU; the last one was used.',
      '1 blank row was skipped.',
    ]);
    expect(skippedRowsText({ duplicates: 0, blank: 0 })).toEqual([]);
  });
});

describe('import phase and pace', () => {
  it('names each phase in plain words', () => {
    expect(phaseText({ ...base, status: 'queued', attempts: 0 })).toBe('Waiting to start');
    expect(phaseText({ ...base, status: 'queued', attempts: 1 })).toBe('Waiting to resume');
    expect(phaseText({ ...base, status: 'parsing', phase: 'reading' })).toBe('Reading the file');
    expect(phaseText({ ...base, phase: 'classifying' })).toBe('Comparing with the catalogue');
    expect(phaseText({ ...base, phase: 'writing' })).toBe('Writing to the catalogue');
    expect(phaseBadge({ ...base, phase: 'writing' })).toBe('writing');
    expect(phaseBadge({ ...base, status: 'queued' })).toBe('queued');
    expect(phaseText({ ...base, status: 'completed' })).toBe('Import complete');
    expect(phaseText({ ...base, cancelRequested: true })).toBe('Cancelling…');
  });

  it('estimates the time left from the pace, and not before there is one', () => {
    expect(timeLeftMs({ percent: 10, at: 0 }, { percent: 10, at: 5000 })).toBeNull();
    expect(timeLeftMs({ percent: 10, at: 0 }, { percent: 20, at: 500 })).toBeNull();
    // 10 % in 2 s → the remaining 80 % takes 16 s.
    expect(timeLeftMs({ percent: 10, at: 0 }, { percent: 20, at: 2000 })).toBe(16_000);
  });

  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
  });
});

describe('ImportPanel', () => {
  it('shows a running import with its counts and cancels it', async () => {
    const cancel = vi.fn().mockResolvedValue({});
    renderWithApi(() => <ImportPanel id={base.id} />, {
      imports: { byId: { query: vi.fn().mockResolvedValue(base) }, cancel: { mutate: cancel } },
    });
    await screen.findByRole('heading', { name: 'Writing to the catalogue' });
    expect(
      screen.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow'),
    ).toBe('50');
    expect(screen.getByText('12 of 100 products written')).toBeTruthy();
    expect(screen.getByText('2,500 products/s')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel import' }));
    await waitFor(() => expect(cancel).toHaveBeenCalledWith({ id: base.id }));
  });

  it('explains a failure and retries without a new upload', async () => {
    const retry = vi.fn().mockResolvedValue({});
    const failed: TImport = {
      ...base,
      status: 'failed',
      error: 'The file has no "name" column (found: sku, title).',
      finishedAt: new Date('2026-01-01T10:00:03Z'),
    };
    renderWithApi(() => <ImportPanel id={base.id} />, {
      imports: { byId: { query: vi.fn().mockResolvedValue(failed) }, retry: { mutate: retry } },
    });
    await screen.findByRole('heading', { name: 'Import failed' });
    expect(screen.getByRole('alert').textContent).toContain('no "name" column');
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
    expect(screen.getByText('took 2s')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(retry).toHaveBeenCalledWith({ id: base.id }));
  });

  it('tells why an earlier attempt stopped', async () => {
    const resumed: TImport = {
      ...base,
      attempts: 2,
      interruptions: [
        { attempt: 1, reason: 'the worker shut down', at: '2026-01-01T10:00:02.000Z' },
      ],
    };
    renderWithApi(() => <ImportPanel id={base.id} />, {
      imports: { byId: { query: vi.fn().mockResolvedValue(resumed) } },
    });
    await screen.findByText('Attempt 2 of this import.');
    expect(screen.getByText(/^Attempt 1 stopped at .*: the worker shut down\.$/)).toBeTruthy();
  });

  it('names the same phase in its heading and its badge', async () => {
    const cases: [Partial<TImport>, string, string][] = [
      [{ status: 'queued', attempts: 0 }, 'Waiting to start', 'queued'],
      [{ status: 'parsing', phase: 'reading' }, 'Reading the file', 'reading'],
      [{ status: 'importing', phase: 'classifying' }, 'Comparing with the catalogue', 'comparing'],
      [{ status: 'importing', phase: 'writing' }, 'Writing to the catalogue', 'writing'],
      [{ status: 'importing', cancelRequested: true }, 'Cancelling…', 'cancelling'],
      [{ status: 'completed' }, 'Import complete', 'completed'],
      [{ status: 'failed' }, 'Import failed', 'failed'],
    ];
    for (const [state, heading, badge] of cases) {
      const { unmount } = renderWithApi(() => <ImportPanel id={base.id} />, {
        imports: { byId: { query: vi.fn().mockResolvedValue({ ...base, ...state }) } },
      });
      const title = await screen.findByRole('heading', { name: heading });
      expect(title.closest('section')!.querySelector('.badge')!.textContent).toBe(badge);
      unmount();
    }
  });

  it('says so when the import cannot be loaded', async () => {
    renderWithApi(() => <ImportPanel id={base.id} />, {
      imports: { byId: { query: vi.fn().mockRejectedValue(new Error('Import not found')) } },
    });
    expect((await screen.findByRole('alert')).textContent).toContain('Import not found');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

/** Just enough of XMLHttpRequest to play back one upload. */
class FakeXhr {
  static next: { status: number; body: string; progress: number[] } | 'network-error';
  upload: {
    onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null;
  } = {
    onprogress: null,
  };
  status = 0;
  statusText = '';
  responseText = '';
  responseType = '';
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open() {}
  abort() {
    this.onabort?.();
  }
  send() {
    const next = FakeXhr.next;
    queueMicrotask(() => {
      if (next === 'network-error') return this.onerror?.();
      for (const loaded of next.progress)
        this.upload.onprogress?.({ loaded, total: 100, lengthComputable: true });
      this.status = next.status;
      this.responseText = next.body;
      this.onload?.();
    });
  }
}

describe('uploadCsv', () => {
  const file = new File(['sku,name\nA,B\n'], 'a.csv', { type: 'text/csv' });
  const original = globalThis.XMLHttpRequest;
  afterEach(() => {
    globalThis.XMLHttpRequest = original;
  });
  const useFake = () => {
    globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
  };

  it('reports upload progress in bytes and resolves with the import id', async () => {
    useFake();
    FakeXhr.next = { status: 202, body: '{"importId":"abc"}', progress: [40, 100] };
    const seen: number[] = [];
    await expect(uploadCsv('', file, (p) => seen.push(p.loaded))).resolves.toEqual({
      importId: 'abc',
    });
    expect(seen).toEqual([40, 100]);
  });

  it("passes on the server's message for a refused file", async () => {
    useFake();
    FakeXhr.next = {
      status: 413,
      body: '{"message":"The file is over the 1 GiB limit"}',
      progress: [],
    };
    await expect(uploadCsv('', file, () => {})).rejects.toThrow('The file is over the 1 GiB limit');
    FakeXhr.next = { status: 400, body: 'not json', progress: [] };
    await expect(uploadCsv('', file, () => {})).rejects.toThrow('The server answered 400');
    FakeXhr.next = 'network-error';
    await expect(uploadCsv('', file, () => {})).rejects.toThrow('could not be reached');
  });
});

describe('ImportHistory: Revert', () => {
  it('offers Revert on a revertible import only, confirms with the dry run’s counts, then reverts', async () => {
    const now = Date.now();
    const completed: TImport = {
      ...base,
      status: 'completed',
      phase: null,
      percent: 100,
      finishedAt: new Date(now - 60_000),
      revertibleUntil: new Date(now + 86_400_000),
    };
    const reverted: TImport = {
      ...completed,
      id: '7c1e0d8e-8a40-4c1e-9f57-000000000002',
      filename: 'old.csv',
      revertedAt: new Date(now - 30_000),
    };
    const expired: TImport = {
      ...completed,
      id: '7c1e0d8e-8a40-4c1e-9f57-000000000003',
      filename: 'older.csv',
      revertibleUntil: new Date(now - 1_000),
    };
    const preview = vi.fn().mockResolvedValue({ restored: 2, deleted: 10, kept: 1 });
    const revert = vi.fn().mockResolvedValue({ restored: 2, deleted: 10, kept: 1 });
    renderWithApi(() => <ImportHistory selectedId={undefined} onSelect={() => {}} />, {
      imports: {
        list: {
          query: vi.fn().mockResolvedValue({
            items: [completed, reverted, expired],
            total: 3,
            page: 1,
            pageSize: 10,
          }),
        },
        revertPreview: { query: preview },
        revert: { mutate: revert },
      },
    });
    await screen.findByRole('button', { name: 'Revert import catalogue.csv' });
    expect(screen.queryByRole('button', { name: 'Revert import old.csv' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Revert import older.csv' })).toBeNull();
    expect(screen.getByText('reverted')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Revert import catalogue.csv' }));
    await screen.findByText('2 products it updated will be put back as they were before it.');
    expect(screen.getByText('10 products it created will be deleted.')).toBeTruthy();
    expect(
      screen.getByText(
        '1 product changed since the import (edited, imported again or deleted) will be kept as they are now.',
      ),
    ).toBeTruthy();
    expect(preview).toHaveBeenCalledWith({ id: completed.id });
    expect(revert).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Revert import' }));
    await waitFor(() => expect(revert).toHaveBeenCalledWith({ id: completed.id }));
  });
});

describe('ImportsPage', () => {
  const original = globalThis.XMLHttpRequest;
  afterEach(() => {
    globalThis.XMLHttpRequest = original;
  });

  it('is named for every file it takes, and refuses another kind before uploading it', async () => {
    renderWithApi(() => <ImportsPage />, {
      imports: {
        list: { query: vi.fn().mockResolvedValue({ items: [], total: 0, page: 1, pageSize: 10 }) },
      },
    });
    await screen.findByRole('heading', { name: 'Import a file' });
    expect(
      screen.getByText(
        /Drag a CSV or TSV file or an Excel workbook \(.xlsx, first sheet\) here, also gzipped/,
      ),
    ).toBeTruthy();
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.accept).toContain('.xlsx');
    fireEvent.change(input, {
      target: { files: [new File(['x'], 'photo.png', { type: 'image/png' })] },
    });
    expect((await screen.findByRole('alert')).textContent).toBe(
      '"photo.png" is not a file the import reads. Choose a CSV, TSV or text file or an Excel workbook (.xlsx), also gzipped or zipped.',
    );
  });

  it('puts an earlier failed import away while a new file uploads, and back if it is cancelled', async () => {
    /** An upload that stays on the way until aborted. */
    class PendingXhr {
      upload = { onprogress: null };
      onabort: (() => void) | null = null;
      open() {}
      send() {}
      abort() {
        this.onabort?.();
      }
    }
    globalThis.XMLHttpRequest = PendingXhr as unknown as typeof XMLHttpRequest;
    const failed: TImport = {
      ...base,
      status: 'failed',
      error: 'The file has no "name" column (found: sku, title).',
      finishedAt: new Date('2026-01-01T10:00:03Z'),
    };
    renderWithApi(() => <ImportsPage />, {
      imports: {
        list: {
          query: vi.fn().mockResolvedValue({ items: [failed], total: 1, page: 1, pageSize: 10 }),
        },
        byId: { query: vi.fn().mockResolvedValue(failed) },
      },
    });
    await screen.findByRole('heading', { name: 'Import failed' });
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
    fireEvent.change(input, {
      target: { files: [new File(['sku,name\nA,B\n'], 'next.csv', { type: 'text/csv' })] },
    });
    await screen.findByText('Uploading next.csv');
    expect(screen.queryByRole('heading', { name: 'Import failed' })).toBeNull();
    expect(screen.queryByText(/no "name" column/)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Cancel upload' }));
    await screen.findByText('Upload cancelled.');
    await screen.findByRole('heading', { name: 'Import failed' });
  });

  it('says what to do with an .ods or .xls file instead of sending it; the picker offers what the server takes', async () => {
    const open = vi.fn();
    globalThis.XMLHttpRequest = class {
      upload = { onprogress: null };
      open = open;
      send() {}
      abort() {}
    } as unknown as typeof XMLHttpRequest;
    renderWithApi(() => <ImportsPage />, {
      imports: {
        list: { query: vi.fn().mockResolvedValue({ items: [], total: 0, page: 1, pageSize: 10 }) },
      },
    });
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.accept.split(',').slice(0, 8)).toEqual([
      '.csv',
      '.tsv',
      '.tab',
      '.txt',
      '.xlsx',
      '.xlsm',
      '.gz',
      '.zip',
    ]);
    for (const [name, type, kind] of [
      [
        'Preisliste.ods',
        'application/vnd.oasis.opendocument.spreadsheet',
        'an OpenDocument spreadsheet (.ods)',
      ],
      ['Old.xls', 'application/vnd.ms-excel', 'an Excel 97-2003 workbook (.xls)'],
    ] as const) {
      fireEvent.change(input, { target: { files: [new File(['x'], name, { type })] } });
      await screen.findByText(
        `"${name}" is ${kind}, which the import does not read; save it as an Excel workbook (.xlsx) or as "CSV UTF-8" and upload that file.`,
      );
    }
    expect(open).not.toHaveBeenCalled();
  });
});
