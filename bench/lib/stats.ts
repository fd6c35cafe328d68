import os from 'node:os';

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
}

export async function timeIt(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;
export const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The 1-minute load average, printed beside figures: the machine is shared. */
export const loadAverage = () => (os.loadavg()[0] ?? 0).toFixed(1);
