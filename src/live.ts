import type { GraphQLResolveInfo } from 'graphql';
import { resolverFor } from './container.js';
import { renewScope, type Context } from './context.js';
import { END, mapEvents, SKIP } from './infra/pubsub.js';

export { END, SKIP };
export { lazy, Lazy } from './infra/shared-execution.js';

type Step<E, T> = (
  event: E,
) => Promise<T | typeof SKIP | typeof END> | T | typeof SKIP | typeof END;

export interface LiveOptions<E> {
  /**
   * Whether the event is for this subscriber at all (its filters): asked first, from the
   * event alone, so an event the subscriber skips costs no scope.
   */
  wanted?: (event: E) => boolean;
  /**
   * The stream's access rule, asked again for every event before anything of it is read
   * (a policy predicate over what the event says of the resource): false ends the stream,
   * so a subscriber whose access is gone receives nothing more.
   */
  allowed?: (event: E) => boolean;
  /**
   * Declares that what the stream makes of an event depends on the event, the
   * subscription's arguments and the viewer only (not on what this subscriber received
   * before): subscribers of one event with the same operation may then share its execution
   * (`infra/shared-execution.ts`). Leave it off for a stream whose values carry state of
   * their own (deltas, a subscriber's position).
   */
  shared?: boolean;
}

const sharedStreams = new WeakSet<object>();
const latestEvent = new WeakMap<object, object>();

/** Whether the subscription of `ctx` opened a shared stream (`LiveOptions.shared`). */
export function isSharedStream(ctx: unknown): boolean {
  return typeof ctx === 'object' && ctx !== null && sharedStreams.has(ctx);
}

/**
 * The source event the latest value of the stream of `ctx` was made from; undefined when
 * it was not made from one (a stored page read by `inFreshScope`).
 */
export function sourceEventOf(ctx: unknown): object | undefined {
  return typeof ctx === 'object' && ctx !== null ? latestEvent.get(ctx) : undefined;
}

/**
 * The one way a subscription turns its source events into values. For every event that
 * passes `allowed` and is `wanted`, the subscription's context gets a fresh EntityManager and fresh
 * loaders before `step` runs (and before GraphQL resolves the value's fields), so no
 * subscription can serve one event's reads to the next. `step` may return SKIP (not for
 * this subscriber) or END. Unsubscribing releases the source at once.
 */
export function live<E, T>(
  ctx: Context,
  source: AsyncIterableIterator<E>,
  step: Step<E, T>,
  options: LiveOptions<E> = {},
): AsyncIterableIterator<T> {
  if (options.shared) sharedStreams.add(ctx);
  return mapEvents(source, (event) => {
    if (options.allowed && !options.allowed(event)) return END;
    if (options.wanted && !options.wanted(event)) return SKIP;
    renewScope(ctx);
    if (options.shared && typeof event === 'object' && event !== null) latestEvent.set(ctx, event);
    return step(event);
  });
}

/**
 * For reads a stream makes between events (a resumed stream's stored pages): runs `read`
 * in a fresh scope of its own, as `live` does for an event.
 */
export function inFreshScope<T>(ctx: Context, read: (ctx: Context) => Promise<T>): Promise<T> {
  renewScope(ctx);
  // What is read here is this subscriber's own: values made next are not shared.
  latestEvent.delete(ctx);
  return read(ctx);
}

/**
 * Subscribes first, then authorises: what is published while `authorize` reads is queued,
 * not missed. When `authorize` throws, the source is released and the error goes to the
 * client (graphql-ws sends it as a `next` with errors, then `complete`).
 */
export async function subscribeThenAuthorize<E, A>(
  source: AsyncIterableIterator<E>,
  authorize: () => Promise<A>,
): Promise<A> {
  try {
    return await authorize();
  } catch (e) {
    await source.return?.();
    throw e;
  }
}

/**
 * A Subscription's `subscribe` option: opens the stream through the resolver instance
 * (and so the services) that serve this schema, with the subscription's context.
 */
export function subscribeThrough<R>(
  resolverClass: new (...args: never[]) => R,
  open: (
    resolver: R,
    args: Record<string, unknown>,
    ctx: Context,
  ) => Promise<AsyncIterable<unknown>>,
) {
  return (data: { args: Record<string, unknown>; context: unknown; info: GraphQLResolveInfo }) =>
    open(resolverFor(data.info.schema, resolverClass), data.args, data.context as Context);
}
