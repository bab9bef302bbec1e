import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './config.js';
import { assemble, createInfra, type App } from './app.js';
import { createDrain } from './drain.js';
import type { Task } from './feature.js';
import { features, entities } from './features.js';
import { initOrm, migrate, type Orm } from './infra/db.js';
import { createProcessLogger, type Logger } from './infra/logger.js';
import type { PubSub } from './infra/pubsub.js';
import { QueryLimits } from './infra/query-limits.js';
import { createApollo, mountHttp } from './http.js';
import { createObservability } from './observability/index.js';
import { buildServedSchema } from './schema.js';
import { serveGraphqlWs } from './ws.js';

export { MAX_PAYLOAD_BYTES } from './http.js';

export interface StartOptions {
  logger?: Logger;
  /** Sees every SQL statement and its time in ms (tests and benchmarks count and time them). */
  onQuery?: (sql: string, tookMs?: number) => void;
  /** A controllable clock (epoch ms) for the ads feature's flights, pacing and tokens (tests). */
  now?: () => number;
}

/** A running Marquee server: HTTP and graphql-ws on one port, path `/graphql`. */
export interface MarqueeServer {
  url: string;
  wsUrl: string;
  port: number;
  /** The separate `/metrics` endpoint, when METRICS_PORT is set. */
  metricsUrl?: string;
  orm: Orm;
  pubsub: PubSub;
  logger: Logger;
  /** A built feature's public services (benchmarks drive background work through them). */
  use: App['use'];
  /**
   * Executions of shared subscription streams' events on this process so far, and results
   * handed to another subscriber of the same group (`infra/shared-execution.ts`).
   */
  sharedExecutions(): { executed: number; reused: number };
  /**
   * Graceful stop: new requests are answered 503 with `Retry-After` (and /readyz says 503)
   * for SHUTDOWN_GRACE_MS while requests under way finish; WebSockets close with 1001 at
   * once. Then the listener closes, the last requests finish, and tasks, Redis and the ORM
   * stop.
   */
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
  const logger = options.logger ?? (await createProcessLogger(config.logLevel, config.logFormat));
  const production = config.env === 'production';
  if (config.jwtSecretIsDevelopmentDefault) {
    logger.warn(
      'JWT_SECRET is not set: using the development secret (never do this in production)',
    );
  }
  if (config.apiKeySecretIsDevelopmentDefault) {
    logger.warn(
      'API_KEY_SECRET is not set: API keys are hashed with the development secret (never do this in production)',
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
  let ownUrl: string | null = null;
  const infra = createInfra(
    config,
    logger,
    orm,
    () => ws.server?.connections() ?? 0,
    () => ownUrl,
    options.now,
  );
  const app = assemble(features, infra, orm);
  const schema = await buildServedSchema(infra.pubsub, app.container, (err) =>
    logger.error({ err }, 'unexpected error in a resolver'),
  );

  const observability = createObservability(config, logger, {
    orm,
    pubsub: infra.pubsub,
    connections: infra.connections,
  });
  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', config.trustProxy);
  const drain = createDrain();
  http.use(drain.middleware);
  observability.mount(http);
  const httpServer = createServer(http);
  let wsClosed: Promise<void> | undefined;
  // Once: the drain closes the sockets first, and Apollo's stop() would do it again.
  const closeWs = () => (wsClosed ??= ws.server?.dispose() ?? Promise.resolve());
  const limits = new QueryLimits(config.queryLimits);
  const mode = { production, ide: config.graphqlIde };
  const apollo = createApollo(httpServer, schema, logger, mode, closeWs, limits, [
    observability.plugin,
  ]);
  await apollo.start();
  const redis = infra.redis;
  mountHttp(http, apollo, app.contexts, mode, async () => ({
    database: await probe(() => orm.em.getConnection().execute('select 1')),
    redis: redis ? await probe(() => redis.ping()) : 'not configured',
  }));
  app.routes(http);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  // After listen: the WebSocket server would otherwise also report a failed listen, noisily.
  ws.server = serveGraphqlWs(
    httpServer,
    schema,
    app.contexts,
    app.connections,
    production,
    {
      limits: config.wsLimits,
      trustProxy: config.trustProxy,
      setupConcurrency: Math.max(1, Math.floor(config.databasePoolMax / 2)),
    },
    limits,
    observability.observeWs,
  );
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  ownUrl = `http://${host}:${port}`;
  const url = `${ownUrl}/graphql`;

  const started: Task[] = [];
  let closing: Promise<void> | undefined;
  const close = (graceMs = config.shutdownGraceMs) => {
    closing ??= (async () => {
      // Still listening, so that late requests get a 503 rather than a refused or reset
      // connection; closing the WebSocket server hands upgrades to the drain's 503 too.
      drain.begin();
      await closeWs();
      if (graceMs > 0) await new Promise((r) => setTimeout(r, graceMs));
      // Stops accepting, waits for the requests still in flight.
      // Tasks stop after that, in reverse: requests in flight and closing sockets (presence)
      // use them, and a task may rely on those started before it.
      await apollo.stop();
      httpServer.closeAllConnections();
      for (const task of started.reverse()) await task.stop();
      await observability.close();
      await infra.close();
      await orm.close();
    })();
    return closing;
  };
  let metricsUrl: string | undefined;
  try {
    metricsUrl = await observability.listen();
    for (const task of app.tasks) {
      await task.start();
      started.push(task);
    }
  } catch (e) {
    // A metrics port or task that cannot start fails the start: nothing stays listening or
    // connected.
    await close(0).catch((err: unknown) => logger.error({ err }, 'stopping after a failed start'));
    throw e;
  }

  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port,
    metricsUrl,
    orm,
    pubsub: infra.pubsub,
    logger,
    use: app.use,
    sharedExecutions: () => ws.server?.sharedExecutions() ?? { executed: 0, reused: 0 },
    close: () => close(),
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
