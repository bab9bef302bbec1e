import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './config.js';
import { assemble, createInfra, type App } from './app.js';
import type { Task } from './feature.js';
import { features, entities } from './features.js';
import { initOrm, migrate, type Orm } from './infra/db.js';
import { createLogger, type Logger } from './infra/logger.js';
import type { PubSub } from './infra/pubsub.js';
import { createApollo, mountHttp } from './http.js';
import { buildServedSchema } from './schema.js';
import { serveGraphqlWs } from './ws.js';

export { MAX_PAYLOAD_BYTES } from './http.js';

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
  /** A built feature's public services (benchmarks drive background work through them). */
  use: App['use'];
  /** Graceful stop: refuse new work, finish requests, close sockets (1001), ORM and Redis. */
  close(): Promise<void>;
}

/**
 * Starts one server process: database (migrated), infrastructure (pub/sub on Redis or
 * in-process), every feature of `features.ts` built in order, the schema with its
 * permissions, HTTP and graphql-ws on one port, then the features' tasks in order.
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

  const ws: { server?: ReturnType<typeof serveGraphqlWs> } = {};
  const infra = createInfra(config, logger, orm, () => ws.server?.connections() ?? 0);
  const app = assemble(features, infra, orm);
  const schema = await buildServedSchema(infra.pubsub, app.container, (err) =>
    logger.error({ err }, 'unexpected error in a resolver'),
  );

  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', config.trustProxy);
  const httpServer = createServer(http);
  const apollo = createApollo(httpServer, schema, logger, production, async () => {
    await ws.server?.dispose();
  });
  await apollo.start();
  const redis = infra.redis;
  mountHttp(http, apollo, app.contexts, production, async () => ({
    database: await probe(() => orm.em.getConnection().execute('select 1')),
    redis: redis ? await probe(() => redis.ping()) : 'not configured',
  }));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  // After listen: the WebSocket server would otherwise also report a failed listen, noisily.
  ws.server = serveGraphqlWs(httpServer, schema, app.contexts, app.connections, production, {
    limits: config.wsLimits,
    trustProxy: config.trustProxy,
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}/graphql`;

  const started: Task[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Drains: stops accepting, waits for in-flight requests, closes WebSockets with 1001.
      // Tasks stop after that, in reverse: requests in flight and closing sockets (presence)
      // use them, and a task may rely on those started before it.
      await apollo.stop();
      httpServer.closeAllConnections();
      for (const task of started.reverse()) await task.stop();
      await infra.close();
      await orm.close();
    })();
    return closing;
  };
  try {
    for (const task of app.tasks) {
      await task.start();
      started.push(task);
    }
  } catch (e) {
    // A task that cannot start fails the start: nothing stays listening or connected.
    await close().catch((err: unknown) => logger.error({ err }, 'stopping after a failed start'));
    throw e;
  }

  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port,
    orm,
    pubsub: infra.pubsub,
    logger,
    use: app.use,
    close,
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
