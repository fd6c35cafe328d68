// `pnpm bench:upload`: streams a generated ~1 GiB CSV through POST /api/imports of a real server
// process (started here, against a scratch database) and prints the server's RSS growth and the
// upload rate. The file is generated on the fly: it never touches the disk.
//
// Environment: BENCH_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// REDIS_URL (default redis://127.0.0.1:6379), BENCH_PORT (default 3301), BENCH_UPLOAD_MIB (1024).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const MiB = 1024 * 1024;
const adminUrl =
  process.env['BENCH_DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const port = Number(process.env['BENCH_PORT'] ?? 3301);
const uploadBytes = Number(process.env['BENCH_UPLOAD_MIB'] ?? 1024) * MiB;
const root = fileURLToPath(new URL('..', import.meta.url));
const boundary = `bench-${randomBytes(8).toString('hex')}`;

/** Resident set size of a process, in bytes (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kib) * 1024;
}

/** A multipart body around a CSV of at least `bytes` bytes, produced 64 KiB at a time. */
function* multipartCsv(bytes: number): Generator<Buffer> {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\nsku,name,description,active\n`,
  );
  let produced = 0;
  let row = 0;
  while (produced < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 512; i++, row++) {
      lines.push(
        `SKU-${row},Product ${row} walnut toaster,"Sturdy, quiet and ""very"" fast: model ${row}",${row % 3 === 0 ? 'false' : 'true'}\n`,
      );
    }
    const block = Buffer.from(lines.join(''));
    produced += block.length;
    yield block;
  }
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

async function waitForServer(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${url}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start on ${url}`);
}

function upload(url: string, body: Iterable<Buffer>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/imports`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (piece: string) => (text += piece));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    pipeline(Readable.from(body), req).catch(reject);
  });
}

const databaseName = `acme_bench_upload_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${databaseName}"`);
const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/${databaseName}`;
const url = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['apps/server/src/main.ts'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_PREFIX: `acme-bench:${randomBytes(4).toString('hex')}:`,
    LOG_LEVEL: 'warn',
    MAX_UPLOAD_BYTES: String(uploadBytes + 64 * MiB),
  },
});
const pid = server.pid!;

try {
  await waitForServer(url);
  const atStart = rssOf(pid);
  // Warm up: load every module and fill the pools before the baseline is taken.
  for (let i = 0; i < 3; i++) {
    const warm = await upload(url, multipartCsv(4 * MiB));
    if (warm.status !== 202) throw new Error(`warm-up upload: ${warm.status} ${warm.text}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const baseline = rssOf(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);

  const started = performance.now();
  const answer = await upload(url, multipartCsv(uploadBytes));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(pid));
  if (answer.status !== 202) throw new Error(`upload answered ${answer.status}: ${answer.text}`);
  const { importId } = JSON.parse(answer.text) as { importId: string };

  const scratch = postgres(databaseUrl.toString(), { max: 1, onnotice: () => {} });
  const [stored] = await scratch<{ bytes: number; chunks: number }[]>`
    select i.bytes_total::bigint::float8 as bytes, count(c.seq)::int as chunks
    from imports i join import_file_chunks c on c.import_id = i.id
    where i.id = ${importId} group by i.bytes_total`;
  await scratch.end();

  const mb = (bytes: number) => (bytes / MiB).toFixed(1);
  console.log(`uploaded       ${mb(stored!.bytes)} MiB in ${stored!.chunks} chunks (${importId})`);
  console.log(`time           ${seconds.toFixed(1)} s`);
  console.log(`throughput     ${(stored!.bytes / MiB / seconds).toFixed(1)} MiB/s`);
  console.log(`server RSS     ${mb(atStart)} MiB at start, ${mb(baseline)} MiB after warm-up`);
  console.log(`               ${mb(peak)} MiB peak during the upload`);
  console.log(`RSS growth     ${mb(peak - baseline)} MiB (budget 64 MiB)`);
  process.exitCode = peak - baseline <= 64 * MiB ? 0 : 1;
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
  await admin.end();
}
