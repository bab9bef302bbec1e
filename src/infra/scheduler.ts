import type { Logger } from './logger.js';

/**
 * A background task (`start`/`stop`, the shape of a feature's task) that runs `tick` every
 * `intervalMs`, never two at once; `stop()` waits for a tick in flight. What is due lives in
 * the database, so a restarted process picks up whatever came due meanwhile. A failing
 * tick is logged and tried again at the next interval.
 */
export function scheduledTask(
  name: string,
  tick: () => Promise<unknown>,
  intervalMs: number,
  logger: Logger,
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  return {
    name,
    start() {
      timer = setInterval(() => {
        if (running) return;
        running = tick()
          .then(() => undefined)
          .catch((err: unknown) => logger.error({ err, task: name }, 'scheduled task failed'))
          .finally(() => {
            running = null;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
