import { EventEmitter } from 'node:events';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import type { PubSub as TypeGraphQLPubSub } from 'type-graphql';

/**
 * Topic name -> payload. Features add their topics by augmenting this interface in their
 * `<feature>.topics.ts`, so infrastructure stays ignorant of features. Payloads must be
 * JSON-safe (dates as ISO strings): they cross Redis as JSON, and the in-process bus
 * round-trips them through JSON too, so both configurations deliver the same values.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Topics {}
export type Topic = keyof Topics & string;

/** How many events one subscriber may have queued before it is dropped as too slow. */
const MAX_QUEUED_PER_SUBSCRIBER = 1000;
const CHANGED = 'subscribers';
/**
 * Subscribers handed one message before the event loop gets a turn (`dispatch`). Each
 * delivery's execution and send run before the turn, so a chunk costs this many deliveries
 * (up to a few hundred µs each where subscribers do not share executions). Measured at 3 000
 * subscribers (docs/benchmarks.md): 100 let a request wait behind a chat fan-out up to 60 ms;
 * 10 about 35–50 ms but cost a tenth of the throughput (a loop turn per 10 sends); 25 is between.
 */
const DISPATCH_CHUNK = 25;

/** A channel this process listens to: its subscribers, and messages still to hand out. */
interface Channel {
  subscribers: Set<(value: unknown) => void>;
  backlog: string[];
  delivering: boolean;
  listening: Promise<() => void>;
}

/**
 * Told of every message through this process's pub/sub (the metrics endpoint counts them).
 * It sees topics only (never ids or payloads), so its labels stay as few as the topics.
 */
export interface PubSubObserver {
  /** After a publish: `ok` false when the transport refused it (the caller sees the error). */
  published(topic: string, ok: boolean): void;
  /** A message handed to one subscriber on this process (N subscribers: N calls). */
  received(topic: string): void;
}

const UNOBSERVED: PubSubObserver = { published: () => undefined, received: () => undefined };

interface Transport {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the transport delivers messages on the channel to `listener`. */
  listen(channel: string, listener: (message: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * The one pub/sub seam: typed topics over either an in-process bus or Redis
 * (graphql-redis-subscriptions on ioredis). Also satisfies type-graphql's `PubSub`.
 */
export class PubSub implements TypeGraphQLPubSub {
  private readonly local = new EventEmitter();
  private readonly counts = new Map<string, number>();
  private readonly subscribing = new Set<Promise<unknown>>();
  private readonly channels = new Map<string, Channel>();
  private observer = UNOBSERVED;

  private constructor(
    private readonly transport: Transport,
    readonly kind: 'memory' | 'redis',
  ) {
    this.local.setMaxListeners(0);
  }

  static memory(): PubSub {
    const bus = new EventEmitter();
    bus.setMaxListeners(0);
    return new PubSub(
      {
        async publish(channel, message) {
          bus.emit(channel, message);
        },
        async listen(channel, listener) {
          bus.on(channel, listener);
          return () => bus.off(channel, listener);
        },
        async close() {
          bus.removeAllListeners();
        },
      },
      'memory',
    );
  }

  /** Takes ownership of both connections: `close()` disconnects them. */
  static redis(publisher: Redis, subscriber: Redis, prefix: string): PubSub {
    const engine = new RedisPubSub({
      publisher,
      subscriber,
      // Hand the raw JSON through: parsing happens once, in `listen`, for both transports.
      serializer: (s: unknown) => s as string,
      deserializer: (s: string | Buffer) => s.toString(),
    });
    // Prefixed here rather than with RedisPubSub's `triggerTransform`, which applies to
    // subscribing only: published events would miss every subscriber.
    const key = (channel: string) => `${prefix}${channel}`;
    return new PubSub(
      {
        publish: (channel, message) => engine.publish(key(channel), message),
        async listen(channel, listener) {
          const id = await engine.subscribe<string>(key(channel), listener);
          return () => engine.unsubscribe(id);
        },
        async close() {
          // Not quit(): it waits behind queued commands (a SUBSCRIBE made while Redis is
          // down), which would hold the shutdown until Redis returns. Nothing queued is
          // worth keeping: the HTTP server has drained, so no request is still publishing.
          publisher.disconnect();
          subscriber.disconnect();
        },
      },
      'redis',
    );
  }

  /** Publishes to every subscriber of the topic (and id) on every process. */
  async publish<T extends Topic>(topic: T, payload: Topics[T], id?: string): Promise<void>;
  async publish(routingKey: string, ...args: unknown[]): Promise<void>;
  async publish(topic: string, payload: unknown, id?: unknown): Promise<void> {
    try {
      await this.transport.publish(channelOf(topic, id), JSON.stringify(payload));
    } catch (e) {
      this.observer.published(topic, false);
      throw e;
    }
    this.observer.published(topic, true);
  }

  /** Reports every publish and delivery from now on to `observer` (one per process). */
  observe(observer: PubSubObserver): void {
    this.observer = observer;
  }

  /**
   * Events of a topic (and id) from the moment the returned promise resolves. Calling
   * `return()` on the iterator unsubscribes. A subscriber that falls more than
   * MAX_QUEUED_PER_SUBSCRIBER events behind gets an error instead of unbounded memory.
   */
  async listen<T extends Topic>(topic: T, id?: string): Promise<AsyncIterableIterator<Topics[T]>> {
    const queue: Topics[T][] = [];
    const waiting: ((r: IteratorResult<Topics[T]>) => void)[] = [];
    let failure: Error | undefined;
    let done = false;
    const deliver = (value: unknown) => {
      if (done) return;
      this.observer.received(topic);
      const next = waiting.shift();
      if (next) next({ value: value as Topics[T], done: false });
      else if (queue.length < MAX_QUEUED_PER_SUBSCRIBER) queue.push(value as Topics[T]);
      else failure = new Error('Subscriber too slow; events were dropped');
    };
    const stop = await this.join(channelOf(topic, id), deliver);
    this.count(topic, id, +1);
    const finish = (): IteratorResult<Topics[T]> => {
      if (!done) {
        done = true;
        stop();
        this.count(topic, id, -1);
        for (const w of waiting.splice(0)) w({ value: undefined, done: true });
      }
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<Topics[T]> = {
      next() {
        if (failure) {
          const f = failure;
          finish();
          return Promise.reject(f);
        }
        if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((res) => waiting.push(res));
      },
      async return() {
        return finish();
      },
      async throw(err?: unknown) {
        finish();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /**
   * Adds `deliver` to the channel's subscribers on this process, listening on the transport
   * once per channel; resolves once messages reach it, with the function that removes it.
   */
  private async join(channel: string, deliver: (value: unknown) => void): Promise<() => void> {
    let entry = this.channels.get(channel);
    if (!entry) {
      const created: Channel = {
        subscribers: new Set(),
        backlog: [],
        delivering: false,
        listening: undefined as unknown as Promise<() => void>,
      };
      created.listening = this.transport.listen(channel, (message) =>
        this.dispatch(created, message),
      );
      this.channels.set(channel, (entry = created));
      const listening = created.listening;
      this.subscribing.add(listening);
      void listening.then(
        () => this.subscribing.delete(listening),
        () => {
          this.subscribing.delete(listening);
          if (this.channels.get(channel) === created) this.channels.delete(channel);
        },
      );
    }
    const joined = entry;
    const stopListening = await joined.listening;
    // Its last subscriber left while this one waited: listen again.
    if (this.channels.get(channel) !== joined) return this.join(channel, deliver);
    joined.subscribers.add(deliver);
    return () => {
      if (!joined.subscribers.delete(deliver) || joined.subscribers.size) return;
      if (this.channels.get(channel) === joined) this.channels.delete(channel);
      stopListening();
    };
  }

  /**
   * Hands a message to every subscriber of its channel, in order of arrival, parsed once
   * (one frozen value for all: no subscriber can change another's copy). Past DISPATCH_CHUNK
   * subscribers, the rest go after the event loop has had a turn, chunk by chunk, so that a
   * large fan-out does not hold up requests; later messages of the channel wait their turn.
   */
  private dispatch(channel: Channel, message: string): void {
    channel.backlog.push(message);
    if (channel.delivering) return;
    channel.delivering = true;
    const run = () => {
      for (;;) {
        const next = channel.backlog.shift();
        if (next === undefined) {
          channel.delivering = false;
          return;
        }
        const value = deepFreeze(JSON.parse(next));
        const subscribers = [...channel.subscribers];
        if (subscribers.length <= DISPATCH_CHUNK) {
          for (const deliver of subscribers) deliver(value);
          continue;
        }
        let at = 0;
        const chunk = () => {
          for (const end = Math.min(at + DISPATCH_CHUNK, subscribers.length); at < end; at++)
            subscribers[at]!(value);
          if (at < subscribers.length) setImmediate(chunk);
          else setImmediate(run);
        };
        chunk();
        return;
      }
    };
    run();
  }

  /** type-graphql's `PubSub.subscribe`; prefer `listen`, which resolves once subscribed. */
  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown> {
    const pending = this.listen(routingKey as Topic, dynamicId as string | undefined);
    return {
      async *[Symbol.asyncIterator]() {
        yield* await pending;
      },
    };
  }

  /** Subscribers of a channel on this process (for readiness checks in tests and benchmarks). */
  subscriberCount(topic: Topic, id?: string): number {
    return this.counts.get(channelOf(topic, id)) ?? 0;
  }

  /**
   * Calls `listener` with the topic and id whenever the number of subscribers of a channel
   * on this process changes; returns the function that stops it.
   */
  onSubscriberChange(listener: (topic: Topic, id: string | undefined) => void): () => void {
    this.local.on(CHANGED, listener);
    return () => this.local.off(CHANGED, listener);
  }

  /**
   * Closes the transport, after letting subscriptions still being made settle (up to a
   * second): Redis's client would otherwise fail them with "Connection is closed" where no
   * one listens (graphql-redis-subscriptions drops that promise).
   */
  async close(): Promise<void> {
    if (this.subscribing.size) {
      await Promise.race([
        Promise.allSettled([...this.subscribing]),
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
    }
    await this.transport.close();
  }

  private count(topic: Topic, id: string | undefined, delta: number): void {
    const channel = channelOf(topic, id);
    const n = (this.counts.get(channel) ?? 0) + delta;
    if (n > 0) this.counts.set(channel, n);
    else this.counts.delete(channel);
    this.local.emit(CHANGED, topic, id);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function channelOf(topic: string, id: unknown): string {
  return id === undefined || id === null ? topic : `${topic}:${String(id)}`;
}

/** Returned by a `mapEvents` step: drop this event. */
export const SKIP = Symbol('skip');
/** Returned by a `mapEvents` step: end the stream (the subscriber is unsubscribed). */
export const END = Symbol('end');

/**
 * Maps, filters or ends an event stream. Unlike an async generator, `return()` takes
 * effect at once even while waiting for the next event, so a client that unsubscribes
 * releases its listener immediately rather than at the channel's next event.
 */
export function mapEvents<T, U>(
  source: AsyncIterableIterator<T>,
  step: (event: T) => Promise<U | typeof SKIP | typeof END> | U | typeof SKIP | typeof END,
): AsyncIterableIterator<U> {
  const close = async (): Promise<IteratorResult<U>> => {
    await source.return?.();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<U> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        const out = await step(r.value);
        if (out === SKIP) continue;
        if (out === END) return close();
        return { value: out, done: false };
      }
    },
    return: close,
    async throw(err?: unknown) {
      await close();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
