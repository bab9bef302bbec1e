import type { Logger } from '../../infra/logger.js';

/**
 * Runs `tick` every `intervalMs` (never two at once) until `stop()`. The schedule itself
 * lives in the database, so a restarted process picks up whatever came due meanwhile.
 */
export function startScheduler(tick: () => Promise<number>, intervalMs: number, logger: Logger) {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .then((n) => {
        if (n) logger.info({ published: n }, 'published scheduled content');
      })
      .catch((err: unknown) => logger.error({ err }, 'scheduler tick failed'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
