import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@acme/runtime/logger';
import { graphileLogger } from './graphile-logger.ts';

interface LogLine {
  level: number;
  msg: string;
}

/** A pino logger at debug whose JSON lines are kept for the test to read. */
function capturedLogger() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', name: 'test', destination }), lines };
}

describe('graphileLogger', () => {
  it("turns graphile-worker's per-job success lines into debug and keeps failures at their level", async () => {
    const { logger, lines } = capturedLogger();
    const graphile = graphileLogger(logger).scope({ taskIdentifier: 'import:rescue_stalled' });

    graphile.info('Completed task 7 (import:rescue_stalled, 9.86ms) with success', {
      success: true,
    });
    graphile.error('Failed task 8 (import:process_csv, 12ms) with error boom', {
      failure: true,
    });
    graphile.warn('Worker is shutting down');
    graphile.info('Worker connected and looking for jobs...');

    await expect.poll(() => lines.length).toBe(4);
    expect(lines.map(({ level, msg }) => [level, msg.split(' (')[0]])).toEqual([
      [20, 'Completed task 7'],
      [50, 'Failed task 8'],
      [40, 'Worker is shutting down'],
      [30, 'Worker connected and looking for jobs...'],
    ]);
  });
});
