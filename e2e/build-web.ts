import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const webDir = fileURLToPath(new URL('../apps/web/', import.meta.url));

/** vitest globalSetup: the tests drive the production build that the server serves. */
export default async function buildWeb(): Promise<void> {
  await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
    cwd: webDir,
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
