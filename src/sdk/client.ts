import { getOperationAST, print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { getSdk, type Requester } from './generated.js';

/** A GraphQL response with errors: `errors` as the server sent them, and any partial `data`. */
export class MarqueeError extends Error {
  override name = 'MarqueeError';
  constructor(
    readonly errors: readonly GraphQLFormattedError[],
    readonly data: unknown = null,
    readonly status?: number,
  ) {
    super(errors.map((e) => e.message).join('; ') || 'GraphQL request failed');
  }
  /** `extensions.code` of the first error. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code as string | undefined;
  }
}

export interface MarqueeClientOptions {
  /** The HTTP endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** The WebSocket endpoint; defaults to `url` with ws(s)://. */
  wsUrl?: string;
  /** A token from signUp/logIn, sent as `Authorization: Bearer <token>` and over graphql-ws. */
  token?: string | null;
  headers?: Record<string, string>;
}

export type MarqueeSdk = ReturnType<typeof getSdk>;

/**
 * The typed partner client: every operation of schema/operations as a method. Queries and
 * mutations go over HTTP POST; subscriptions over one lazily opened graphql-ws connection
 * and come back as async iterables (break out of the loop to unsubscribe). Errors are thrown
 * as `MarqueeError`. Call `close()` when done to close the WebSocket.
 */
export function createMarqueeClient(options: MarqueeClientOptions): MarqueeSdk & {
  setToken(token: string | null): void;
  close(): Promise<void>;
} {
  let token = options.token ?? null;
  let ws: Client | null = null;

  const wsClient = () =>
    (ws ??= createClient({
      url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    }));

  const requester: Requester = <R, V>(doc: DocumentNode, variables?: V) => {
    const operation = getOperationAST(doc)?.operation;
    const query = print(doc);
    if (operation === 'subscription') {
      return subscribe<R>(wsClient(), query, variables as Record<string, unknown> | undefined);
    }
    return request<R>(options, token, query, variables);
  };

  return {
    ...getSdk(requester),
    setToken(next) {
      token = next;
      void ws?.dispose();
      ws = null;
    },
    async close() {
      await ws?.dispose();
      ws = null;
    },
  };
}

async function request<R>(
  options: MarqueeClientOptions,
  token: string | null,
  query: string,
  variables: unknown,
): Promise<R> {
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: R | null; errors?: GraphQLFormattedError[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new MarqueeError(
      [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }],
      null,
      response.status,
    );
  }
  if (body.errors?.length) throw new MarqueeError(body.errors, body.data ?? null, response.status);
  return body.data as R;
}

/**
 * One subscription as an async iterator of `data`. `return()` (a `break` out of `for await`)
 * unsubscribes at once, even while waiting for the next event.
 */
function subscribe<R>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): AsyncIterable<R> {
  return {
    [Symbol.asyncIterator]() {
      const results = client.iterate<R>({ query, variables });
      const done = async (): Promise<IteratorResult<R>> => {
        await results.return?.();
        return { value: undefined, done: true };
      };
      const iterator: AsyncIterableIterator<R> = {
        async next() {
          let result: IteratorResult<{
            data?: R | null;
            errors?: readonly GraphQLFormattedError[];
          }>;
          try {
            result = await results.next();
          } catch (e) {
            // graphql-ws rejects with the payload of an `error` message: the errors themselves.
            throw Array.isArray(e) ? new MarqueeError(e as GraphQLFormattedError[]) : e;
          }
          if (result.done) return { value: undefined, done: true };
          if (result.value.errors?.length) {
            await done();
            throw new MarqueeError(result.value.errors, result.value.data ?? null);
          }
          return { value: result.value.data as R, done: false };
        },
        return: done,
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
