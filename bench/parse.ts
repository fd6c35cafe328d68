// pnpm bench:parse [--rows 500000] [--runs 3]
//
// The import's parse path in isolation (no database, no processes, no fixed ports): the stored
// file's bytes in 1 MiB pieces → record source (gzip/encoding detection, decoding, dialect
// sniffing, normalising, csv-parse, cleaning) → row validation and COPY text, discarded. Times the
// same 500k-row catalogue as UTF-8 with commas, and as Windows-1252 with semicolons (Excel's
// "CSV" in a European locale) with the same accented names in both, and prints their ratio
// (goal ≤ 1.2) with the load average, since the machine is shared.
import os from 'node:os';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { openRecordSource, StagingEncoder } from '@acme/jobs';
import { sampleCsv, type SampleCsvOptions } from '@acme/testing/samples';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    runs: { type: 'string', default: '3' },
  },
});
const rows = Number(args.rows);
const runs = Number(args.runs);

/** The file as the worker reads it from import_file_chunks: 1 MiB pieces. */
function fileOf(options: Omit<SampleCsvOptions, 'rows'>): Buffer[] {
  const all = Buffer.concat([...sampleCsv({ rows, ...options })]);
  const pieces: Buffer[] = [];
  for (let at = 0; at < all.length; at += 1_048_576) pieces.push(all.subarray(at, at + 1_048_576));
  return pieces;
}

async function parseOnce(
  pieces: Buffer[],
): Promise<{ seconds: number; rows: number; format: string }> {
  const started = performance.now();
  const source = await openRecordSource(Readable.from(pieces), { maxBytes: 1 << 30 });
  const encoder = new StagingEncoder();
  await pipeline(
    source.records,
    encoder,
    new Writable({ write: (_chunk, _encoding, done) => done() }),
  );
  const { encoding, delimiter } = source.format;
  return {
    seconds: (performance.now() - started) / 1000,
    rows: encoder.rows,
    format: `${encoding} ${JSON.stringify(delimiter)}`,
  };
}

const files = {
  'UTF-8, comma': fileOf({}),
  'UTF-8, comma, accented names': fileOf({ accentShare: 0.2 }),
  'Windows-1252, semicolon, accented names': fileOf({
    accentShare: 0.2,
    delimiter: ';',
    encoding: 'windows-1252',
  }),
};
const best: Record<string, number> = {};
console.log(`parse path, ${rows.toLocaleString('en')} rows, best of ${runs} (interleaved)`);
for (let run = 0; run < runs; run++) {
  for (const [name, pieces] of Object.entries(files)) {
    const result = await parseOnce(pieces);
    if (result.rows !== rows)
      throw new Error(`${name}: ${result.rows} rows parsed, expected ${rows}`);
    best[name] = Math.min(best[name] ?? Infinity, result.seconds);
    console.log(
      `  run ${run + 1} ${name.padEnd(42)} ${result.seconds.toFixed(2)} s  (${result.format}; load ${os.loadavg()[0]!.toFixed(1)})`,
    );
  }
}
const megabytes = (pieces: Buffer[]) => pieces.reduce((sum, piece) => sum + piece.length, 0) / 1e6;
for (const [name, pieces] of Object.entries(files))
  console.log(
    `${name.padEnd(42)} ${best[name]!.toFixed(2)} s  ${Math.round(rows / best[name]!).toLocaleString('en')} rows/s  ${megabytes(pieces).toFixed(1)} MB`,
  );
const ratio =
  best['Windows-1252, semicolon, accented names']! / best['UTF-8, comma, accented names']!;
console.log(
  `ratio Windows-1252 semicolon / UTF-8 comma: ${ratio.toFixed(2)} (goal ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'MISSED'}); load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
