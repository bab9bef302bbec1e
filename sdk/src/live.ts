import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { asMarqueeError, isRetryableClose, MarqueeError } from './errors.js';

/** How a client's WebSocket reconnects after the server closed it or could not be reached. */
export interface RetryOptions {
  /** Reconnection attempts in a row before subscriptions fail (default 8; 0: never retry). */
  retryAttempts?: number;
  /** First backoff delay; each attempt doubles it (default 500 ms). */
  retryBaseDelayMs?: number;
  /** Longest backoff delay (default 30 s). */
  retryMaxDelayMs?: number;
}

export interface LiveOptions extends RetryOptions {
  url: string;
  /** A WebSocket constructor; defaults to the global one (browsers, Node 22+, Deno, Bun). */
  webSocketImpl?: unknown;
  connectionParams: () => Record<string, unknown>;
}

/**
 * One lazily opened graphql-ws connection. It reconnects with a jittered exponential
 * backoff ("full jitter": a random delay up to the doubled base, so clients dropped by one
 * restart do not all come back at once), after any close but those that a retry cannot
 * fix (bad credentials, bad requests: `isRetryableClose`). Subscriptions open at the time
 * are sent again on the new connection; the attempt count restarts once one succeeds.
 */
export function liveClient(options: LiveOptions): Client {
  const attempts = options.retryAttempts ?? 8;
  const base = options.retryBaseDelayMs ?? 500;
  const max = options.retryMaxDelayMs ?? 30_000;
  const webSocketImpl = options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  if (!webSocketImpl) {
    throw new MarqueeError([
      {
        message:
          'No WebSocket implementation: pass `webSocketImpl` (e.g. the `ws` package) on Node before 22',
        extensions: { code: 'BAD_USER_INPUT', reason: 'NO_WEBSOCKET' },
      },
    ]);
  }
  return createClient({
    url: options.url,
    webSocketImpl,
    lazy: true,
    retryAttempts: attempts,
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(max, base * 2 ** retries)),
      ),
    // Not graphql-ws's default, which gives up at once on a socket that never opened (a
    // server restarting refuses connections for a while): any error but a fatal close.
    shouldRetry: (e) => !isCloseLike(e) || isRetryableClose(e.code),
    connectionParams: options.connectionParams,
  });
}

function isCloseLike(e: unknown): e is { code: number } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';
}

/**
 * How a subscription resumes after a reconnection: `track` sees each event before the
 * caller does, and `variables` are then sent again in place of the first ones.
 */
export interface Resume<R> {
  track(data: R): void;
}

type Payload = { query: string; variables: Record<string, unknown> };
type Result<R> = { data?: R | null; errors?: readonly GraphQLFormattedError[] };

/**
 * One subscription as an async iterator of typed `data`. `return()` (a `break` out of
 * `for await`) unsubscribes at once, even while waiting for the next event. A refusal (the
 * server answered with errors) or a closed socket whose retries ran out is thrown as a
 * `MarqueeError` from `next()`, and ends the iteration.
 *
 * `resume` is given the payload's own variables object: graphql-ws sends the same payload
 * object again on every reconnection, so what `track` writes into it (the last cursor
 * seen) is what the new connection asks for. `track` runs as an event arrives, not when
 * the caller takes it: events still queued at a reconnection must not be asked for again.
 */
export function subscribe<R>(
  client: () => Client,
  query: string,
  variables: Record<string, unknown> | undefined,
  resume?: (variables: Record<string, unknown>) => Resume<R>,
): AsyncIterable<R> {
  return {
    [Symbol.asyncIterator]() {
      const payload: Payload = { query, variables: { ...variables } };
      const resuming = resume?.(payload.variables);
      const queue: R[] = [];
      let failure: unknown = null;
      let ended = false;
      let wake: (() => void) | null = null;
      const settle = () => {
        wake?.();
        wake = null;
      };
      const unsubscribe = client().subscribe<R>(payload, {
        next(result: Result<R>) {
          if (result.errors?.length) {
            failure ??= new MarqueeError<R>(result.errors, result.data ?? null);
            ended = true;
            unsubscribe();
          } else {
            const data = result.data as R;
            resuming?.track(data);
            queue.push(data);
          }
          settle();
        },
        error(e) {
          failure ??= asMarqueeError(e);
          ended = true;
          settle();
        },
        complete() {
          ended = true;
          settle();
        },
      });
      const iterator: AsyncIterableIterator<R> = {
        async next() {
          while (!queue.length && !ended) await new Promise<void>((r) => (wake = r));
          if (queue.length) return { value: queue.shift()!, done: false };
          if (failure) {
            const e = failure;
            failure = null;
            throw e;
          }
          return { value: undefined, done: true };
        },
        async return() {
          ended = true;
          queue.length = 0;
          unsubscribe();
          settle();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}

/**
 * `chatEvents` resumes after the last message it delivered (`after`: the server replays
 * the stored messages after that cursor, then goes live), so a reconnection, even to a
 * restarted server, loses and repeats nothing. Only `MessagePosted` moves the position:
 * the cursors of edits are of older messages.
 */
export function chatEventsResume(variables: Record<string, unknown>): Resume<unknown> {
  return {
    track(data) {
      const event = (
        data as { chatEvents?: { __typename?: string; message?: { cursor?: string } } }
      ).chatEvents;
      const cursor = event?.__typename === 'MessagePosted' ? event.message?.cursor : undefined;
      if (cursor && (typeof variables.after !== 'string' || cursor > variables.after)) {
        variables.after = cursor;
      }
    },
  };
}
