import type { Server } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Express } from 'express';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import type { Em, Orm } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { PubSub } from '../infra/pubsub.js';
import { observabilityPlugin } from './apollo-plugin.js';
import { listenForMetrics, metricsHandler } from './endpoint.js';
import { observeGraphqlWs, type WsObserve } from './graphql-ws.js';
import { createMetrics, type DbPool, type Metrics } from './metrics.js';
import { OperationNames } from './operation-names.js';
import { OperationObserver } from './operations.js';

export type { AccessLogEntry } from './operations.js';
export type { WsObserve } from './graphql-ws.js';

/** One server's metrics and access log, and the hooks that feed them. */
export interface Observability {
  metrics: Metrics;
  /** For Apollo Server: list it after the plugin that makes client errors. */
  plugin: ApolloServerPlugin<Context>;
  /** For graphql-ws: wraps the server options. */
  observeWs: WsObserve;
  /** Serves `GET /metrics` on the main app, behind the token; nothing without a token. */
  mount(app: Express): void;
  /** Opens the separate metrics port when METRICS_PORT is set; resolves with its URL. */
  listen(): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * Prometheus metrics (see `createMetrics`) and one access-log line per operation (see
 * `AccessLogEntry`), over HTTP and graphql-ws, for one server. `/metrics` is served on the
 * main port only with METRICS_TOKEN (to `Authorization: Bearer <token>`, 401 otherwise;
 * 404 without a token), and on METRICS_HOST:METRICS_PORT when that is set (127.0.0.1 by
 * default; behind the token too when one is set). Pub/sub messages are counted from now on.
 */
export function createObservability(
  config: Config,
  logger: Logger,
  sources: { orm: Orm; pubsub: PubSub; connections(): number },
): Observability {
  const { metricsToken, metricsPort, metricsHost, maxOperationNames } = config.observability;
  const metrics = createMetrics({
    connections: sources.connections,
    pool: () => knexPool(sources.orm),
  });
  sources.pubsub.observe(metrics.pubsub);
  const observer = new OperationObserver(metrics, new OperationNames(maxOperationNames), logger);
  const handler = metricsHandler(metrics.registry, metricsToken, logger);
  let server: Server | undefined;
  return {
    metrics,
    plugin: observabilityPlugin(observer),
    observeWs: observeGraphqlWs(observer),
    mount(app) {
      if (metricsToken) app.get('/metrics', handler);
    },
    async listen() {
      if (metricsPort === undefined) return undefined;
      if (!metricsToken && !/^(127\.|::1$|localhost$)/.test(metricsHost)) {
        logger.warn(
          { metricsHost },
          'METRICS_PORT is open beyond this host without METRICS_TOKEN: anyone reaching it reads the metrics',
        );
      }
      const listening = await listenForMetrics(handler, metricsPort, metricsHost);
      server = listening.server;
      return listening.url;
    },
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server!.close(resolve));
      }
      metrics.registry.clear();
    },
  };
}

function knexPool(orm: Orm): DbPool | undefined {
  const client = (orm.em as Em).getConnection().getKnex().client as { pool?: DbPool };
  return client.pool;
}
