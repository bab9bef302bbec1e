import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type Response,
} from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createContext, type Context, type ContextFactory, type KeyPrincipal } from './context.js';
import type { Config } from './config.js';
import { dashboardRouter } from './dashboard/dashboard.routes.js';
import {
  AppError,
  CommonReason,
  ErrorCode,
  keyLimitReached,
  toClientError,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './errors.js';
import {
  asDatabaseUnavailable,
  databaseUnavailable,
  driverCode,
  isDatabaseUnavailable,
  reportRequestError,
} from './infra/db-unavailable.js';
import { ideRoutes } from './ide/ide.routes.js';
import type { Logger } from './infra/logger.js';
import type { QueryLimits } from './infra/query-limits.js';

/** Largest HTTP body accepted. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Apollo Server for `schema`. Its drain (on `stop()`) stops accepting, waits for in-flight
 * requests, then runs `onDrain` (closing the WebSockets). `plugins` run after the
 * built-in ones (so they see the errors as clients get them).
 */
export function createApollo(
  httpServer: Server,
  schema: GraphQLSchema,
  logger: Logger,
  { production, ide }: { production: boolean; ide: Config['graphqlIde'] },
  onDrain: () => Promise<void>,
  limits: QueryLimits,
  plugins: ApolloServerPlugin<Context>[] = [],
) {
  return new ApolloServer<Context>({
    schema,
    parseOptions: limits.parseOptions,
    validationRules: [...limits.rules],
    // main.ts drains on SIGTERM/SIGINT through close(). Apollo's own handlers (installed
    // unless NODE_ENV=test) would run a second stop() concurrently, one that never settles
    // (Apollo leaves the barrier a concurrent stop() waits on unresolved on success), and
    // then re-raise the signal.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // Before willSendResponse: it sees the database's errors already as SERVICE_UNAVAILABLE.
    formatError: (formatted, error) =>
      isDatabaseUnavailable(error) ? asDatabaseUnavailable(formatted) : formatted,
    // Refused (or not) by limits.rules, the same rule graphql-ws applies.
    introspection: true,
    plugins: [
      limits.apolloPlugin(),
      subscriptionsOverWebSocket,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // GraphiQL is mounted by mountHttp, ahead of Apollo.
      ide === 'apollo'
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
      {
        async serverWillStart() {
          return { drainServer: onDrain };
        },
      },
      {
        async requestDidStart() {
          return {
            async didEncounterErrors({ errors, contextValue }) {
              for (const e of errors) reportRequestError(contextValue?.logger ?? logger, e);
            },
            async willSendResponse({ response, contextValue }) {
              const body = response.body;
              if (body.kind !== 'single') return;
              if (!body.singleResult.errors) return;
              body.singleResult.errors = body.singleResult.errors.map((e) =>
                toClientError(e, { production, requestId: contextValue?.requestId }),
              );
              if (
                body.singleResult.errors.some((e) => e.extensions?.code === ErrorCode.Unavailable)
              ) {
                response.http.status = 503;
                response.http.headers.set('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
              }
            },
          };
        },
      },
      ...plugins,
    ],
  });
}

/** graphql-ws serves subscriptions; over HTTP, Apollo would execute one as a query and fail. */
const subscriptionsOverWebSocket: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError(
          'Subscriptions are served over WebSocket (graphql-transport-ws) on this same path',
          {
            extensions: {
              code: ErrorCode.BadUserInput,
              reason: CommonReason.SUBSCRIPTION_OVER_HTTP,
              http: { status: 400 },
            },
          },
        );
      },
    };
  },
};

/**
 * Request ids, /healthz, /readyz, the live dashboard (/dashboard), GraphiQL (GET /graphql
 * from a browser, and /ide) when `ide` is `graphiql`, POST/GET /graphql, and coded errors
 * for bad bodies.
 */
export function mountHttp(
  app: Express,
  apollo: ApolloServer<Context>,
  contexts: ContextFactory,
  { production, ide }: { production: boolean; ide: Config['graphqlIde'] },
  readiness: () => Promise<Record<string, string>>,
) {
  const { logger } = contexts;
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
    const checks = await readiness();
    const ready = Object.values(checks).every((c) => c !== 'down');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', ...checks });
  });
  app.use('/dashboard', dashboardRouter({ sourceMaps: !production }));
  if (ide === 'graphiql') {
    const graphiql = ideRoutes();
    app.use('/ide', graphiql.assets);
    app.get('/graphql', graphiql.page);
  }
  app.use(
    '/graphql',
    express.json({ limit: MAX_PAYLOAD_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        try {
          const { viewerId, apiKey } = await contexts.authenticate({
            authorization: req.headers.authorization,
            apiKey: req.headers['x-api-key'],
          });
          if (apiKey) await meter(contexts, apiKey, res);
          return await createContext(
            contexts,
            viewerId,
            requestId,
            clientAddress(req),
            req.get('x-anonymous-id') ?? null,
            apiKey,
          );
        } catch (e) {
          if (e instanceof AppError) {
            throw new GraphQLError(e.message, {
              extensions: { ...e.extensions, http: { status: REFUSAL_STATUS[e.code] ?? 401 } },
            });
          }
          if (isDatabaseUnavailable(e)) {
            logger.warn({ code: driverCode(e), requestId }, 'database unavailable');
            const unavailable = databaseUnavailable();
            const headers = new Map([['retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS)]]);
            throw new GraphQLError(unavailable.message, {
              extensions: { ...unavailable.extensions, requestId, http: { status: 503, headers } },
            });
          }
          // Apollo answers a failed context outside the request pipeline (no willSendResponse),
          // with the raw message: that can be SQL, so the single exit is applied here.
          logger.error({ err: e, requestId }, 'creating the request context failed');
          const internal = e instanceof Error ? e.message : String(e);
          const { message, extensions } = toClientError(
            { message: internal, extensions: { code: ErrorCode.Internal } },
            { production, requestId },
          );
          throw new GraphQLError(message, { extensions: { ...extensions, http: { status: 500 } } });
        }
      },
    }),
  );
  app.use(httpErrors(logger));
}

const REFUSAL_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.RateLimited]: 429,
};

/**
 * Counts a keyed request against its key's limit, with the IETF RateLimit headers on the
 * response (refused or not); past the limit, RATE_LIMITED with `retryAfterSeconds`.
 */
async function meter(contexts: ContextFactory, key: KeyPrincipal, res: Response): Promise<void> {
  const d = await contexts.meterKey(key);
  res.setHeader('RateLimit-Limit', String(d.limit));
  res.setHeader('RateLimit-Remaining', String(d.remaining));
  res.setHeader('RateLimit-Reset', String(d.resetSeconds));
  if (d.allowed) return;
  res.setHeader('Retry-After', String(d.resetSeconds));
  throw keyLimitReached(d.limit, d.resetSeconds);
}

function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

const requestError = (message: string) => ({
  errors: [{ message, extensions: { code: 'BAD_REQUEST' } }],
});

/** Body-parser failures (malformed JSON, too large) as GraphQL-shaped JSON errors. */
function httpErrors(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed') {
      return res.status(400).json(requestError('The request body is not valid JSON'));
    }
    if (e.type === 'entity.too.large') {
      return res
        .status(413)
        .json(requestError(`The request body is larger than ${MAX_PAYLOAD_BYTES} bytes`));
    }
    if (e.status && e.status >= 400 && e.status < 500) {
      return res.status(e.status).json(requestError('Bad request'));
    }
    const requestId = res.locals.requestId as string;
    logger.error({ err, requestId }, 'unexpected HTTP error');
    return res.status(500).json({
      errors: [
        {
          message: 'Internal server error',
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    });
  };
}
