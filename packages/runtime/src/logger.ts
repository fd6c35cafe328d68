import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/**
 * One logger per process; children add `requestId`, `jobId` and the like. Lines are JSON for log
 * collectors, or readable ones when stdout is a terminal (someone running `pnpm start`).
 */
export function createLogger(options: {
  level: string;
  name: string;
  /** Where lines go; stdout by default (tests pass a stream to read them). */
  destination?: DestinationStream;
}): Logger {
  const config = {
    name: options.name,
    level: options.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
  };
  const destination = options.destination ?? (process.stdout.isTTY ? readableLines() : undefined);
  return destination ? pino(config, destination) : pino(config);
}

/** Readable, coloured lines in the same process (no transport thread). */
function readableLines(): DestinationStream {
  return PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
