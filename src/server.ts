import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createContext, type ContextDeps, type Services } from './context.js';
import { initOrm, migrate, type Em, type Orm } from './infra/db.js';
import { createLogger, type Logger } from './infra/logger.js';
import { PubSub } from './infra/pubsub.js';
import { memoryRateLimiter, redisRateLimiter } from './infra/rate-limit.js';
import { connectRedis } from './infra/redis.js';
import { entities } from './entities.js';
import { createApollo, mountHttp } from './http.js';
import { buildServedSchema } from './schema.js';
import { createServices } from './services.js';
import { serveGraphqlWs } from './ws.js';
import { startScheduler } from './modules/content/index.js';
import { pruneEvents } from './modules/metrics/index.js';

/** Tracked events are kept this long for de-duplication (they are accepted up to 24 h late). */
const METRIC_EVENT_RETENTION_MS = 25 * 3600_000;
const PRUNE_INTERVAL_MS = 10 * 60_000;

export { MAX_PAYLOAD_BYTES } from './http.js';
export { MAX_SUBSCRIPTIONS_PER_CONNECTION } from './ws.js';

export interface StartOptions {
  logger?: Logger;
  /** Sees every SQL statement and its time in ms (tests and benchmarks count and time them). */
  onQuery?: (sql: string, tookMs?: number) => void;
}

/** A running Marquee server: HTTP and graphql-ws on one port, path `/graphql`. */
export interface MarqueeServer {
  url: string;
  wsUrl: string;
  port: number;
  orm: Orm;
  pubsub: PubSub;
  logger: Logger;
  /** The feature services (tests and benchmarks drive background work through them). */
  services: Services;
  /** Graceful stop: refuse new work, finish requests, close sockets (1001), ORM and Redis. */
  close(): Promise<void>;
}

/**
 * Starts one server process: database (migrated), pub/sub (Redis or in-process), services,
 * the schema with its permissions, HTTP and graphql-ws on one port, and the scheduler.
 */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<MarqueeServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const production = config.env === 'production';
  if (config.jwtSecretIsDevelopmentDefault) {
    logger.warn(
      'JWT_SECRET is not set: using the development secret (never do this in production)',
    );
  }
  if (config.chatKeyIsDevelopmentDefault) {
    logger.warn(
      'CHAT_ENCRYPTION_KEYS is not set: message bodies are encrypted with the public development key',
    );
  }

  const orm = await initOrm(config, { entities, onQuery: options.onQuery });
  if (config.migrateOnStart) {
    const applied = await migrate(orm);
    if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  }

  let redis: Redis | undefined;
  let pubsub: PubSub;
  if (config.redisUrl) {
    redis = connectRedis(config.redisUrl, 'command', logger);
    pubsub = PubSub.redis(
      // Requests publish: a command connection, so an outage fails the publish (logged, the
      // write stands) rather than holding the request until Redis returns.
      connectRedis(config.redisUrl, 'command', logger),
      connectRedis(config.redisUrl, 'subscriber', logger),
      config.redisPrefix,
    );
  } else {
    pubsub = PubSub.memory();
  }
  const limiter = redis ? redisRateLimiter(redis, config.redisPrefix) : memoryRateLimiter();
  const ws: { server?: ReturnType<typeof serveGraphqlWs> } = {};
  const fork = () => orm.em.fork() as Em;
  const { services, tokens } = createServices(config, {
    fork,
    pubsub,
    limiter,
    logger,
    redis,
    connections: () => ws.server?.connections() ?? 0,
  });
  const deps: ContextDeps = {
    orm,
    tokens,
    services,
    logger,
    connections: {
      opened: (userId, id) => services.presence.connected(fork(), userId, id),
      closed: (userId, id) => services.presence.disconnected(fork(), userId, id),
    },
  };
  const schema = await buildServedSchema(pubsub, (err) =>
    logger.error({ err }, 'unexpected error in a resolver'),
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = createServer(app);
  const apollo = createApollo(httpServer, schema, logger, production, async () => {
    await ws.server?.dispose();
  });
  await apollo.start();
  mountHttp(app, apollo, deps, production, async () => ({
    database: await probe(() => orm.em.getConnection().execute('select 1')),
    redis: redis ? await probe(() => redis.ping()) : 'not configured',
  }));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  // After listen: the WebSocket server would otherwise also report a failed listen, noisily.
  ws.server = serveGraphqlWs(httpServer, schema, deps, production);
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}/graphql`;

  services.presence.start(fork);
  services.metricsLive.start(fork);
  await services.recText.start(fork);
  await services.recModels.start();
  const pruning = startScheduler(
    () => pruneEvents(fork(), Date.now() - METRIC_EVENT_RETENTION_MS).then(() => 0),
    PRUNE_INTERVAL_MS,
    logger,
  );
  const scheduler = startScheduler(
    () =>
      createContext(deps, null, 'scheduler', 'local').then((ctx) =>
        services.content.publishDue(ctx),
      ),
    config.schedulerIntervalMs,
    logger,
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port,
    orm,
    pubsub,
    logger,
    services,
    close() {
      closing ??= (async () => {
        await scheduler.stop();
        await pruning.stop();
        services.metricsLive.stop();
        services.recModels.stop();
        await services.recText.stop();
        services.conversations.stop();
        // Drains: stops accepting, waits for in-flight requests, closes WebSockets with 1001.
        await apollo.stop();
        httpServer.closeAllConnections();
        await services.presence.stop();
        await pubsub.close();
        // quit() fails while Redis is unreachable, and the connection would go on
        // reconnecting (keeping the process alive) unless it is dropped.
        await redis?.quit().catch(() => redis?.disconnect());
        await orm.close();
      })();
      return closing;
    },
  };
}

/** 'ok', or 'down' when `check` fails or takes over two seconds. */
function probe(check: () => Promise<unknown>, ms = 2000): Promise<string> {
  return Promise.race([
    check().then(
      () => 'ok',
      () => 'down',
    ),
    new Promise<string>((r) => setTimeout(() => r('down'), ms).unref()),
  ]);
}
