// Fails when migrations/ no longer matches the drizzle schema: someone changed
// src/schema/ without running `pnpm db:generate`. drizzle-kit generate compares the schema with
// the last snapshot in migrations/meta (no database needed), so it runs on a scratch copy of
// migrations/ and any file it writes there is the drift.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const packageDir = resolve(import.meta.dirname, '..');
const migrationsDir = resolve(packageDir, '../../migrations');
const scratch = mkdtempSync(join(tmpdir(), 'acme-migrations-'));

function drizzleKit(...args: string[]): string {
  const run = spawnSync('drizzle-kit', args, {
    cwd: packageDir,
    // Relative: drizzle-kit prefixes the folder with './'.
    env: { ...process.env, DRIZZLE_MIGRATIONS_DIR: relative(packageDir, scratch) },
    // No terminal: a question (e.g. "is this column renamed?") is itself drift, so it must not wait.
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${run.stdout}${run.stderr}`;
  if (run.error || run.status !== 0) {
    throw new Error(`drizzle-kit ${args.join(' ')} failed:\n${output || String(run.error)}`);
  }
  return output;
}

try {
  cpSync(migrationsDir, scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  drizzleKit('check');
  // drizzle-kit exits 0 even when it fails or cannot ask a question, so success must be said.
  const output = drizzleKit('generate', '--name', 'drift');
  const added = readdirSync(scratch).filter((file) => !before.has(file) && file.endsWith('.sql'));
  if (added.length > 0) {
    console.error(
      'migrations/ is behind packages/db/src/schema: run `pnpm db:generate --name <what>`.',
    );
    for (const file of added) {
      console.error(`\nIt would add ${file}:\n${readFileSync(join(scratch, file), 'utf8')}`);
    }
    process.exitCode = 1;
  } else if (output.includes('No schema changes')) {
    console.log('migrations/ matches the drizzle schema');
  } else {
    console.error(
      `drizzle-kit could not compare migrations/ with the schema (a rename it must ask about ends here too: run \`pnpm db:generate\` in a terminal):\n${output}`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
