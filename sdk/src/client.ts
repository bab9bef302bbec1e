import { getOperationAST, print, type DocumentNode } from 'graphql';
import type { Client } from 'graphql-ws';
import { MarqueeError, type RateLimitInfo } from './errors.js';
import { getSdk, type Requester } from './generated.js';
import { request, type Credentials } from './http.js';
import { chatEventsResume, liveClient, subscribe, type Resume, type RetryOptions } from './live.js';

export interface MarqueeClientOptions extends RetryOptions {
  /** The HTTP endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** The WebSocket endpoint; defaults to `url` with ws(s)://. */
  wsUrl?: string;
  /** A person's token from signUp/logIn: `Authorization: Bearer <token>`, over graphql-ws too. */
  token?: string | null;
  /**
   * An organisation's API key (`mq_…`): `x-api-key: <key>` over HTTP and
   * `{ "x-api-key": key }` as graphql-ws connectionParams. Not together with `token`.
   */
  apiKey?: string | null;
  /** The client's own stable id when nobody is signed in (`x-anonymous-id`): how views count. */
  anonymousId?: string | null;
  /** More HTTP headers for every request (they do not travel over the WebSocket). */
  headers?: Record<string, string>;
  /** A WebSocket constructor; defaults to the global one (browsers, Node 22+). On Node 20: `ws`. */
  webSocketImpl?: unknown;
}

/** A document typed by graphql-codegen (the client preset's `graphql()`, or `TypedDocumentNode`). */
export interface TypedDocument<TResult, TVariables> extends DocumentNode {
  __apiType?: (variables: TVariables) => TResult;
}

export type MarqueeSdk = ReturnType<typeof getSdk>;

export type MarqueeClient = MarqueeSdk & {
  /** Runs any query or mutation document of your own, typed by codegen. */
  request<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables?: TVariables,
  ): Promise<TResult>;
  /** Subscribes with any subscription document of your own, typed by codegen. */
  subscribe<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables?: TVariables,
  ): AsyncIterable<TResult>;
  /** Signs in (or out, with null) as a person from now on; reopens the WebSocket. */
  setToken(token: string | null): void;
  /** The RateLimit headers of the last HTTP response that had them. */
  lastRateLimit(): RateLimitInfo | undefined;
  /** Closes the WebSocket, ending every subscription. */
  close(): Promise<void>;
};

/** Subscriptions that resume where they stopped after a reconnection. */
const RESUMABLE: Record<string, (variables: Record<string, unknown>) => Resume<unknown>> = {
  chatEvents: chatEventsResume,
};

/**
 * The typed client of the Marquee API: every operation of schema/operations as a method.
 * Queries and mutations go over HTTP POST; subscriptions over one lazily opened graphql-ws
 * connection that reconnects with backoff, and come back as async iterables (break out of
 * the loop to unsubscribe). Every failure is thrown as a `MarqueeError`. Call `close()`
 * when done, or the open WebSocket keeps the process alive.
 *
 * Throws at once when both `apiKey` and `token` are given: the server refuses such requests.
 */
export function createMarqueeClient(options: MarqueeClientOptions): MarqueeClient {
  const credentials: Credentials = {
    token: options.token ?? null,
    apiKey: options.apiKey ?? null,
    anonymousId: options.anonymousId ?? null,
  };
  if (credentials.token && credentials.apiKey) throw bothCredentials();
  let rateLimit: RateLimitInfo | undefined;
  let ws: Client | null = null;

  const wsClient = () =>
    (ws ??= liveClient({
      ...options,
      url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
      connectionParams: () => connectionParams(credentials),
    }));

  const run = <R, V>(doc: DocumentNode, variables?: V) => {
    const operation = getOperationAST(doc);
    const query = print(doc);
    if (operation?.operation === 'subscription') {
      const field = operation.selectionSet.selections[0];
      const resume = field?.kind === 'Field' ? RESUMABLE[field.name.value] : undefined;
      return subscribe<R>(
        wsClient,
        query,
        variables as Record<string, unknown> | undefined,
        resume as ((v: Record<string, unknown>) => Resume<R>) | undefined,
      );
    }
    return request<R>(options, credentials, query, variables, (info) => (rateLimit = info));
  };
  const requester: Requester = run;

  return {
    ...getSdk(requester),
    request: (doc, variables) => run(doc, variables) as Promise<never>,
    subscribe: (doc, variables) => run(doc, variables) as AsyncIterable<never>,
    setToken(next) {
      if (next && credentials.apiKey) throw bothCredentials();
      credentials.token = next;
      void ws?.dispose();
      ws = null;
    },
    lastRateLimit: () => rateLimit,
    async close() {
      await ws?.dispose();
      ws = null;
    },
  };
}

function bothCredentials(): MarqueeError {
  return new MarqueeError([
    {
      message: 'Pass either apiKey or token, not both: the server refuses a request with both',
      extensions: { code: 'BAD_USER_INPUT', reason: 'BOTH_CREDENTIALS' },
    },
  ]);
}

/** What src/ws.ts reads from connection_init: the same credentials as the HTTP headers. */
function connectionParams(c: Credentials): Record<string, unknown> {
  return {
    ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
    ...(c.apiKey ? { 'x-api-key': c.apiKey } : {}),
    ...(c.anonymousId ? { anonymousId: c.anonymousId } : {}),
  };
}
