// `pnpm start`. With DATABASE_URL and REDIS_URL: the server and the worker as two processes (an
// import's CPU work never stalls the process that serves WebSockets). Without either: one process
// running both (apps/server/src/main-all.ts), because an embedded PostgreSQL and an in-process bus
// can only be shared inside one process. Signals go to the children; if one dies, all stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const envFile = `${root}.env`;
// Read once here (the environment wins) and handed to the children with the rest of process.env:
// the choice of mode must see it too.
if (existsSync(envFile)) process.loadEnvFile(envFile);

const children: ChildProcess[] = [];
let stopping = false;

function launch(name: string, entry: string): void {
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
    // Its own process group: a Ctrl-C in the terminal reaches only this supervisor, which then
    // stops the child in order (an embedded PostgreSQL must outlive the server and the worker).
    detached: true,
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the rest`);
      stop('SIGTERM', code ?? 1);
    } else if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
      // A child that failed its own shutdown must not be reported as a clean stop.
      const failed = children.find((c) => c.exitCode !== 0);
      process.exit(failed ? (failed.exitCode ?? 1) : (process.exitCode ?? 0));
    }
  });
}

function stop(signal: NodeJS.Signals, exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGTERM'));

const external = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL']);
if (external) {
  launch('server', 'apps/server/src/main.ts');
  launch('worker', 'apps/worker/src/main.ts');
} else {
  launch('app', 'apps/server/src/main-all.ts');
}
