// pnpm bench:xlsx [--rows 200000]
//
// Memory of the .xlsx import's read path: writes a sample workbook as Excel lays one out (shared
// strings after the sheet, so the reader parks the sheet in a temporary file) in a child process,
// then reads it here through the record source in 1 MiB pieces from disk, as the worker reads the
// stored file, validating rows and encoding COPY text as the import does. Prints rows/s and this
// process's RSS before, at its peak and after, beside the file's size: the workbook must never be
// held whole (goal: peak growth well under the file's uncompressed size, and flat in the row count
// apart from the shared strings table).
import { spawnSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { openRecordSource, StagingEncoder } from '@acme/jobs';
import { writeSampleWorkbook } from '@acme/testing/samples';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '200000' }, write: { type: 'string' } },
});
const rows = Number(args.rows);

if (args.write) {
  await writeSampleWorkbook(args.write, rows);
  process.exit(0);
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'acme-bench-xlsx-'));
try {
  const file = path.join(dir, 'products.xlsx');
  const written = spawnSync(
    process.execPath,
    [process.argv[1]!, '--rows', String(rows), '--write', file],
    {
      stdio: 'inherit',
    },
  );
  if (written.status !== 0) throw new Error('writing the workbook failed');
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const source = await openRecordSource(createReadStream(file, { highWaterMark: 1_048_576 }), {
    maxBytes: 1 << 30,
  });
  const encoder = new StagingEncoder();
  await pipeline(source.records, encoder, new Writable({ write: (_c, _e, done) => done() }));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);

  if (encoder.rows !== rows) throw new Error(`${encoder.rows} rows read, expected ${rows}`);
  console.log(
    `xlsx read path, ${rows.toLocaleString('en')} rows: ${seconds.toFixed(1)} s, ` +
      `${Math.round(rows / seconds).toLocaleString('en')} rows/s (format ${JSON.stringify(source.format)})`,
  );
  console.log(
    `file ${mib(statSync(file).size)} zipped; RSS before ${mib(rssBefore)}, peak ${mib(rssPeak)} ` +
      `(+${mib(rssPeak - rssBefore)}), after ${mib(process.memoryUsage().rss)}; load ${os.loadavg()[0]!.toFixed(1)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
