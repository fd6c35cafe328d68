import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every app child still running, so a benchmark can stop them all on failure or Ctrl-C. */
const running = new Set<ChildProcess>();

/** Starts an app entry (server or worker) as a child process and waits until it says it is up. */
export async function startApp(
  entry: 'apps/server/src/main.ts' | 'apps/worker/src/main.ts',
  env: Record<string, string>,
  readyPattern: RegExp,
  /** Receives every output line after start (a benchmark reads the apps' JSON log lines). */
  onLine?: (line: string) => void,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (onLine) {
    let partial = '';
    for (const stream of [child.stdout, child.stderr])
      stream.setEncoding('utf8').on('data', (data: string) => {
        const lines = (partial + data).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
  }
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer | string) => {
      output += chunk.toString();
      if (readyPattern.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
  });
  return child;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * SIGTERM (the apps shut down gracefully), then SIGKILL after `graceMs`. A child that already
 * ended, by its own exit or by a signal such as the terminal's SIGINT, is left as it is.
 */
export async function stopApp(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every app child this process started that is still running. */
export async function stopAllApps(graceMs?: number): Promise<void> {
  await Promise.all([...running].map((child) => stopApp(child, graceMs)));
}

/** VmHWM (peak) or VmRSS (now) of a process, in MB (Linux). */
export function memoryMb(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Open file descriptors of a process (sockets included), Linux. */
export function openFds(pid: number | undefined): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** CPU time (user + system) a process has used so far, in ms (Linux; USER_HZ is 100). */
export function cpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which sits in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
