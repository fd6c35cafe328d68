import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@acme/runtime/logger';
import { refuseIfPostgresUserCannotReach, startEmbeddedPostgres } from './embedded.ts';

// As root, PostgreSQL runs as the `postgres` user: a checkout only root can enter (say under /root,
// mode 700) must stop with what to do, not crash on `spawn … initdb EACCES`. Only root meets this.
describe.runIf(process.getuid?.() === 0)('the embedded PostgreSQL started as root', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'acme-root-only-')); // mode 700, owned by root
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a data directory under a directory only root can enter, saying what to do', async () => {
    const dataDir = path.join(dir, 'checkout', '.data', 'postgres');
    const logger = createLogger({ level: 'silent', name: 'test' });
    await expect(startEmbeddedPostgres({ dataDir, logger })).rejects.toThrow(
      new RegExp(
        `user "postgres" .* cannot reach ${dir}: run \`pnpm start\` as a normal user, move the checkout .* or set DATABASE_URL`,
      ),
    );
    // Stopped before anything was created or spawned.
    expect(await readdir(dir)).toEqual([]);
    expect(existsSync(`${dataDir}.password`)).toBe(false);
  });

  it('checks the binaries too, and lets through what that user can reach', async () => {
    const bin = path.join(dir, 'node_modules', 'bin');
    await mkdir(bin, { recursive: true, mode: 0o755 });
    await copyFile('/usr/bin/true', path.join(bin, 'initdb'));
    await chmod(path.join(bin, 'initdb'), 0o755);
    expect(() => refuseIfPostgresUserCannotReach([path.join(bin, 'initdb')])).toThrow(
      `cannot reach ${path.join(bin, 'initdb')}`,
    );
    await chmod(dir, 0o755);
    expect(() => refuseIfPostgresUserCannotReach([path.join(bin, 'initdb')])).not.toThrow();
    expect(() =>
      refuseIfPostgresUserCannotReach([path.join(dir, 'not', 'yet', 'created')]),
    ).not.toThrow();
  });
});
