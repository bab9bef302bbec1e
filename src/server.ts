import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express, { type ErrorRequestHandler, type Request } from 'express';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createContext, viewerIdFrom, type Context, type ContextDeps } from './context.js';
import { AppError, formatClientError } from './errors.js';
import { dbKind, initOrm, migrate, type Orm } from './infra/db.js';
import { createLogger, type Logger } from './infra/logger.js';
import { PubSub } from './infra/pubsub.js';
import { memoryRateLimiter, redisRateLimiter } from './infra/rate-limit.js';
import { connectRedis } from './infra/redis.js';
import { entities } from './entities.js';
import { buildServedSchema } from './schema.js';
import { AccountsService, TokenService } from './modules/accounts/index.js';
import {
  ContentLiveService,
  ContentService,
  contentSearch,
  startScheduler,
} from './modules/content/index.js';

/** Largest HTTP body and WebSocket message accepted. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Subscriptions one graphql-ws connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;
const WS_KEEPALIVE_MS = 12_000;

export interface StartOptions {
  logger?: Logger;
  /** Sees every SQL statement (tests and benchmarks count them). */
  onQuery?: (sql: string) => void;
}

/** A running Marquee server: HTTP and graphql-ws on one port, path `/graphql`. */
export interface MarqueeServer {
  url: string;
  wsUrl: string;
  port: number;
  orm: Orm;
  pubsub: PubSub;
  logger: Logger;
  /** Graceful stop: refuse new work, finish requests, close sockets (1001), ORM and Redis. */
  close(): Promise<void>;
}

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

  const orm = await initOrm(config, { entities, onQuery: options.onQuery });
  if (config.migrateOnStart) {
    const applied = await migrate(orm);
    if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  }

  let redis: Redis | undefined;
  let pubsub: PubSub;
  if (config.redisUrl) {
    redis = connectRedis(config.redisUrl, 'command');
    pubsub = PubSub.redis(
      connectRedis(config.redisUrl, 'subscriber'),
      connectRedis(config.redisUrl, 'subscriber'),
      config.redisPrefix,
    );
  } else {
    pubsub = PubSub.memory();
  }
  const limiter = redis ? redisRateLimiter(redis, config.redisPrefix) : memoryRateLimiter();

  const tokens = new TokenService(config.jwtSecret, config.jwtTtlSeconds);
  const content = new ContentService({ pubsub, search: contentSearch(dbKind(config)), logger });
  const services = {
    accounts: new AccountsService({
      tokens,
      limiter,
      adminEmails: config.adminEmails,
      loginRateLimit: config.loginRateLimit,
      loginRateWindowSeconds: config.loginRateWindowSeconds,
    }),
    content,
    contentLive: new ContentLiveService(pubsub, content),
  };
  const deps: ContextDeps = { orm, tokens, services, logger };
  const schema = await buildServedSchema(pubsub, (err) =>
    logger.error({ err }, 'unexpected error in a resolver'),
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = createServer(app);

  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: MAX_PAYLOAD_BYTES,
  });
  const wsCleanup = useServer<Record<string, unknown> | undefined, WsExtra>(
    {
      schema,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        try {
          ctx.extra.viewerId = await viewerIdFrom(deps, ctx.connectionParams?.authorization);
          return true;
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      context: (ctx) =>
        createContext(
          deps,
          ctx.extra.viewerId ?? null,
          randomUUID(),
          ctx.extra.request.socket.remoteAddress ?? 'unknown',
        ),
      onSubscribe: (ctx, id) => {
        const active = (ctx.extra.active ??= new Set());
        if (active.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            new GraphQLError(
              `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`,
              { extensions: { code: 'RATE_LIMITED' } },
            ),
          ];
        }
        active.add(id);
      },
      onComplete: (ctx, id) => {
        ctx.extra.active?.delete(id);
      },
      onError: (ctx, id, _payload, errors) => {
        ctx.extra.active?.delete(id);
        return errors.map((e) => {
          logUnexpected(logger, e);
          return formatClientError(e.toJSON(), { production });
        });
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        return {
          ...result,
          errors: result.errors.map((e) => {
            logUnexpected(logger, e);
            return formatClientError(e.toJSON(), { production });
          }),
        };
      },
    },
    wsServer,
    WS_KEEPALIVE_MS,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      {
        async requestDidStart() {
          return {
            async didEncounterErrors({ errors, contextValue }) {
              for (const e of errors) logUnexpected(contextValue?.logger ?? logger, e);
            },
            async willSendResponse({ response, contextValue }) {
              const body = response.body;
              if (body.kind !== 'single' || !body.singleResult.errors) return;
              body.singleResult.errors = body.singleResult.errors.map((e) =>
                formatClientError(e, { production, requestId: contextValue?.requestId }),
              );
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      withTimeout(
        orm.em
          .getConnection()
          .execute('select 1')
          .then(() => 'ok'),
      ),
      redis ? withTimeout(redis.ping().then(() => 'ok')) : Promise.resolve('not configured'),
    ]);
    const ready = checks.every((c) => c !== 'down');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', database: checks[0], redis: checks[1] });
  });
  app.use(
    '/graphql',
    express.json({ limit: MAX_PAYLOAD_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        try {
          const viewerId = await viewerIdFrom(deps, req.headers.authorization);
          return await createContext(deps, viewerId, requestId, clientAddress(req));
        } catch (e) {
          if (e instanceof AppError) {
            throw new GraphQLError(e.message, {
              extensions: { ...e.extensions, http: { status: 401 } },
            });
          }
          throw e;
        }
      },
    }),
  );
  app.use(httpErrors(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}/graphql`;

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
    close() {
      closing ??= (async () => {
        await scheduler.stop();
        await stopHttp(httpServer, apollo);
        await pubsub.close();
        await redis?.quit().catch(() => undefined);
        await orm.close();
      })();
      return closing;
    },
  };
}

interface WsExtra extends Record<PropertyKey, unknown> {
  request: { socket: { remoteAddress?: string } };
  viewerId?: string | null;
  /** Ids of this connection's running subscriptions. */
  active?: Set<string>;
}

async function stopHttp(httpServer: Server, apollo: ApolloServer<Context>) {
  // apollo.stop() drains: stops accepting, waits for in-flight requests, then closes the
  // WebSockets with 1001 (the drainServer hook above).
  await apollo.stop();
  httpServer.closeAllConnections();
}

function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function withTimeout(p: Promise<string>, ms = 2000): Promise<string> {
  return Promise.race([
    p.catch(() => 'down'),
    new Promise<string>((r) => setTimeout(() => r('down'), ms).unref()),
  ]);
}

function logUnexpected(logger: Logger, error: GraphQLError) {
  const code = error.extensions?.code;
  if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
    logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
  }
}

/** Body-parser failures (malformed JSON, too large) as GraphQL-shaped JSON errors. */
function httpErrors(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number };
    const requestId = res.locals.requestId as string;
    if (e.type === 'entity.parse.failed') {
      return res
        .status(400)
        .json({
          errors: [
            { message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } },
          ],
        });
    }
    if (e.type === 'entity.too.large') {
      return res.status(413).json({
        errors: [
          {
            message: `The request body is larger than ${MAX_PAYLOAD_BYTES} bytes`,
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      });
    }
    if (e.status && e.status >= 400 && e.status < 500) {
      return res
        .status(e.status)
        .json({ errors: [{ message: 'Bad request', extensions: { code: 'BAD_REQUEST' } }] });
    }
    logger.error({ err, requestId }, 'unexpected HTTP error');
    return res
      .status(500)
      .json({
        errors: [
          {
            message: 'Internal server error',
            extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
          },
        ],
      });
  };
}
