import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** One JSON logger per process; children add `requestId`, `jobId` and the like. */
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
  return options.destination ? pino(config, options.destination) : pino(config);
}
