import type { Logger } from 'pino';

type Step = { name: string; run: () => Promise<void> | void };

/**
 * Runs shutdown steps in order on SIGTERM/SIGINT, each bounded by the timeout, then exits.
 * A second signal exits at once, so an operator is never stuck behind a hung step.
 */
export function onShutdown(logger: Logger, timeoutMs: number, steps: Step[]): () => Promise<void> {
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      for (const step of steps) {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        try {
          const outcome = await Promise.race([Promise.resolve(step.run()), timeout]);
          if (outcome === 'timeout')
            logger.warn({ step: step.name, timeoutMs }, 'shutdown step timed out');
          else logger.info({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
        } catch (error) {
          logger.error({ err: error, step: step.name }, 'shutdown step failed');
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return shuttingDown;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    void shutdown().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}
