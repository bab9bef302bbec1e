import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from './config.js';
import { createContext, findViewer, type ContextFactory, type KeyPrincipal } from './context.js';
import { keyedSockets } from './infra/keyed-sockets.js';
import type { ConnectionHooks } from './feature.js';
import { CommonReason, keyLimitReached, toClientError, toGraphQLError } from './errors.js';
import type { WsObserve } from './observability/index.js';
import {
  asDatabaseUnavailable,
  isDatabaseUnavailable,
  reportRequestError,
} from './infra/db-unavailable.js';
import type { QueryLimits } from './infra/query-limits.js';
import { refuseServerOnlyMessages } from './infra/ws-protocol.js';
import type { Em } from './infra/db.js';
import { limitConnections, upgradeAddress } from './infra/connection-limits.js';
import { peerGoneCode } from './infra/socket-errors.js';
import { Gate } from './infra/gate.js';
import { ruledFields } from './infra/permissions.js';
import {
  groupKey,
  readsPerViewer,
  SharedExecutions,
  sharedSubscribe,
  trackPerViewerReads,
} from './infra/shared-execution.js';
import { isSharedStream, sourceEventOf } from './live.js';
import { sharedPayloads } from './infra/shared-payloads.js';
import type { Context } from './context.js';

/** Largest WebSocket message accepted (the same as an HTTP body). */
export const MAX_WS_PAYLOAD_BYTES = 1024 * 1024;
const KEEPALIVE_MS = 12_000;
const CONNECTION_INIT_TIMEOUT_MS = 10_000;
/** Close code while the database is unavailable (as the connection limits' 4503). */
const UNAVAILABLE_CLOSE = 4503;

interface WsExtra extends Record<PropertyKey, unknown> {
  request: IncomingMessage;
  socket: WebSocket;
  viewerId?: string | null;
  /** The API key the connection authenticated with (`connectionParams['x-api-key']`). */
  apiKey?: KeyPrincipal | null;
  /** Set while a signed-in connection counts towards its user's presence. */
  connectionId?: string;
}

/** How many sockets and subscriptions graphql-ws holds, and how client addresses are read. */
export interface WsOptions {
  limits: Config['wsLimits'];
  /** As HTTP's `trust proxy`: client addresses come from `X-Forwarded-For`. */
  trustProxy: boolean;
  /** How often connections opened with an API key are checked (revoked, expired: closed). */
  keyRecheckMs?: number;
  /** Connections and subscriptions being set up at once (`Gate`); half the pool by default. */
  setupConcurrency?: number;
}

/**
 * graphql-ws on `httpServer`, path `/graphql`. The token travels in
 * `connectionParams.authorization`; a bad one, or one whose account is gone, closes the
 * socket with 4403. Sockets over `limits` are closed at once (`infra/connection-limits.ts`:
 * 4503 over the total, 4029 over the per-address count). Each subscription gets its own
 * context, and each of its events its own scope (`src/live.ts`). `dispose()` closes every
 * socket with 1001. `observe` wraps the options (metrics, access log).
 */
export function serveGraphqlWs(
  httpServer: Server,
  schema: GraphQLSchema,
  contexts: ContextFactory,
  hooks: ConnectionHooks,
  production: boolean,
  { limits: sockets, trustProxy, keyRecheckMs = 2000, setupConcurrency = 5 }: WsOptions,
  limits: QueryLimits,
  observe: WsObserve = (options) => options,
) {
  const { logger } = contexts;
  const keyed = keyedSockets();
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: MAX_WS_PAYLOAD_BYTES,
  });
  refuseServerOnlyMessages(wsServer);
  const addressOf = (req: IncomingMessage) => upgradeAddress(req, trustProxy);
  limitConnections(wsServer, sockets, addressOf);
  const format = (e: GraphQLError) => {
    // A send to a client that has gone (its stream ends with this error, outside any
    // field: no path): nothing to report. Asked first, or a reset socket (ECONNRESET) would
    // read as a database outage; a resolver's reset database connection has a path.
    const gone = e.path ? undefined : peerGoneCode(e);
    if (gone) {
      logger.debug({ code: gone }, 'a graphql-ws client went away during a send');
    } else {
      reportRequestError(logger, e);
      if (isDatabaseUnavailable(e)) return asDatabaseUnavailable(e.toJSON());
    }
    return toClientError(e.toJSON(), { production });
  };
  // The database could not answer (down, or no pooled connection in time): not the
  // client's fault, so neither 4403 nor graphql-ws's 4500; its client retries on 4503.
  // False either way: graphql-ws refuses the connection (4403 when not closed here).
  const refuseUnavailable = (socket: WebSocket, e: unknown): false => {
    if (isDatabaseUnavailable(e)) {
      logger.warn({ err: e }, 'graphql-ws connection refused: database unavailable');
      socket.close(UNAVAILABLE_CLOSE, 'Service unavailable: try again');
    }
    return false;
  };
  // The text of each subscription's document, for its group key (`infra/shared-execution.ts`).
  const queries = new WeakMap<object, string>();
  // Whether a document reads per-viewer fields, once per document (`limits.check` hands the
  // same document to every subscription of the same text).
  const perViewerOf = new WeakMap<object, boolean>();
  const ruled = ruledFields(schema);
  trackPerViewerReads(schema, ruled);
  const executions = new SharedExecutions();
  const subscribe = sharedSubscribe(executions, {
    keyOf: (args) => {
      const ctx = args.contextValue as Context;
      const query = queries.get(args.document);
      if (!isSharedStream(ctx) || query === undefined) return null;
      let perViewer = perViewerOf.get(args.document);
      if (perViewer === undefined) {
        perViewerOf.set(args.document, (perViewer = readsPerViewer(schema, args.document, ruled)));
      }
      const key = (own: boolean) =>
        groupKey(query, args.operationName, args.variableValues, ctx, own);
      return { key: key(false), own: perViewer ? key(true) : null };
    },
    eventOf: sourceEventOf,
  });
  // Connecting (the token, the viewer) and a subscription's context (the viewer) query the
  // database alone: behind one gate, a burst of thousands of sockets queues here instead
  // of on the pool (`infra/gate.ts`). Nothing that may wait on Redis (presence, the pub/sub)
  // goes through it: an outage there would hold every connection behind it.
  const setup = new Gate(setupConcurrency);
  const connect = async (
    ctx: WsContext<Record<string, unknown> | undefined, WsExtra>,
  ): Promise<boolean> => {
    try {
      const who = await setup.run(async () => {
        const found = await contexts.authenticate({
          authorization: ctx.connectionParams?.authorization,
          apiKey: ctx.connectionParams?.['x-api-key'],
        });
        // As HTTP answers 401: a token whose account was deleted is refused now, not at
        // the first subscription.
        await findViewer(contexts.orm.em.fork() as Em, found.viewerId);
        return found;
      });
      ctx.extra.viewerId = who.viewerId;
      ctx.extra.apiKey = who.apiKey;
      if (who.apiKey) keyed.add(ctx.extra.socket, who.apiKey.id);
    } catch (e) {
      return refuseUnavailable(ctx.extra.socket, e); // else graphql-ws closes with 4403
    }
    if (ctx.extra.viewerId) {
      ctx.extra.connectionId = randomUUID();
      try {
        await hooks.opened(ctx.extra.viewerId, ctx.extra.connectionId);
      } catch (e) {
        if (!isDatabaseUnavailable(e)) throw e;
        return refuseUnavailable(ctx.extra.socket, e);
      }
    }
    return true;
  };
  const server = useServer<Record<string, unknown> | undefined, WsExtra>(
    observe({
      schema,
      subscribe,
      jsonMessageReplacer: sharedPayloads(wsServer),
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        // Refused by the connection limits: closing already, with its own code.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        return connect(ctx);
      },
      // onClose, not onDisconnect: it also runs when the socket closes before the
      // acknowledgement, after onConnect has counted the connection.
      onClose: async (ctx) => {
        const { viewerId, connectionId } = ctx.extra;
        if (viewerId && connectionId) await hooks.closed(viewerId, connectionId);
      },
      onSubscribe: async (ctx, _id, payload) => {
        // A keyed subscription counts against its key's limit, as a keyed HTTP request does.
        const key = ctx.extra.apiKey;
        if (key) {
          const d = await contexts.meterKey(key);
          if (!d.allowed) return [toGraphQLError(keyLimitReached(d.limit, d.resetSeconds))];
        }
        // graphql-ws's own registry, which already holds this subscription. It forgets one
        // the moment the client's `complete` arrives; `onComplete` runs only after the stream
        // has wound down, so a client subscribing again at once would still find no slot.
        if (Object.keys(ctx.subscriptions).length > sockets.subscriptionsPerConnection) {
          return [
            new GraphQLError(
              `At most ${sockets.subscriptionsPerConnection} subscriptions per connection`,
              { extensions: { code: 'RATE_LIMITED', reason: CommonReason.TOO_MANY_REQUESTS } },
            ),
          ];
        }
        // Parsed and validated here, with the limits HTTP applies, instead of by graphql-ws.
        const checked = limits.check(schema, payload);
        if ('errors' in checked) return checked.errors;
        queries.set(checked.document, payload.query);
        // The subscription's context here rather than in graphql-ws's `context` (which reads
        // the viewer): a database that cannot answer then refuses this one subscription with
        // SERVICE_UNAVAILABLE (`format`) instead of closing the socket with 4500.
        let contextValue: Context;
        try {
          contextValue = await setup.run(() =>
            createContext(
              contexts,
              ctx.extra.viewerId ?? null,
              randomUUID(),
              addressOf(ctx.extra.request),
              typeof ctx.connectionParams?.anonymousId === 'string'
                ? ctx.connectionParams.anonymousId
                : null,
              ctx.extra.apiKey ?? null,
            ),
          );
        } catch (e) {
          if (!isDatabaseUnavailable(e)) throw e;
          return [new GraphQLError('Database unavailable', { originalError: e as Error })];
        }
        return {
          schema,
          document: checked.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors?.length ? { ...result, errors: result.errors.map(format) } : undefined,
    }),
    wsServer,
    KEEPALIVE_MS,
  );
  /** Open WebSocket connections on this process (PlatformMetrics.liveConnections). */
  const connections = () => wsServer.clients.size;
  const sweep = keyed.sweep(contexts, keyRecheckMs, logger);
  const dispose = server.dispose.bind(server);
  return Object.assign(server, {
    connections,
    /** How many shared streams' events were executed, and how many results were reused. */
    sharedExecutions: () => ({ ...executions.counts }),
    async dispose() {
      clearInterval(sweep);
      await dispose();
    },
  });
}
