import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { createProcessLogger } from './infra/logger.js';
import { startServer } from './server.js';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
const logger = await createProcessLogger(config.logLevel, config.logFormat);
let server;
try {
  server = await startServer(config, { logger });
} catch (err) {
  // Port taken, database unreachable, a failed migration: one readable line, then the detail
  // in the log.
  const reason = err instanceof Error ? err.message : String(err);
  console.error(`Marquee could not start: ${reason.split('\n')[0]}`);
  logger.fatal({ err }, 'start-up failed');
  process.exit(1);
}
// Before the URL is printed: a supervisor may send SIGTERM as soon as it reads it.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  });
}

logger.info(
  {
    url: server.url,
    database: config.databaseUrl ? 'postgresql' : 'sqlite',
    pubsub: server.pubsub.kind,
  },
  `Marquee is serving ${server.url}`,
);
console.log(`Marquee GraphQL API: ${server.url}`);
