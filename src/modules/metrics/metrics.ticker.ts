import type { Logger } from '../../infra/logger.js';

interface Subscriber<T> {
  /** The newest value not yet taken; a slow subscriber skips to it, never queues. */
  pending?: T;
  ended: boolean;
  wake?: () => void;
}

interface Feed<T> {
  compute: () => Promise<T | null>;
  signature: (value: T) => string;
  subscribers: Set<Subscriber<T>>;
  last?: { value: T; signature: string };
  busy: boolean;
}

/**
 * Values computed once per tick per key (a content's metrics, a trending list), shared by
 * every subscriber of that key on this process: N subscribers cost one computation, not N.
 * A new subscriber gets the latest value at once (computing it if the key is new); then
 * each tick recomputes every watched key and delivers only what changed. A compute that
 * returns null ends the key's streams (its content is gone).
 */
export class Ticker {
  private readonly feeds = new Map<string, Feed<unknown>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const feed of this.feeds.values()) this.end(feed);
    this.feeds.clear();
  }

  watch<T>(
    key: string,
    compute: () => Promise<T | null>,
    signature: (value: T) => string,
  ): AsyncIterableIterator<T> {
    let feed = this.feeds.get(key) as Feed<T> | undefined;
    const isNew = !feed;
    if (!feed) {
      feed = { compute, signature, subscribers: new Set(), busy: false };
      this.feeds.set(key, feed as Feed<unknown>);
    }
    const sub: Subscriber<T> = { ended: false, pending: feed.last?.value };
    feed.subscribers.add(sub);
    if (isNew) void this.refresh(key, feed);
    const leave = (): IteratorResult<T> => {
      sub.ended = true;
      feed.subscribers.delete(sub);
      if (!feed.subscribers.size && this.feeds.get(key) === feed) this.feeds.delete(key);
      sub.wake?.();
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<T> = {
      async next() {
        for (;;) {
          if (sub.pending !== undefined) {
            const value = sub.pending;
            sub.pending = undefined;
            return { value, done: false };
          }
          if (sub.ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (sub.wake = resolve));
          sub.wake = undefined;
        }
      },
      async return() {
        return leave();
      },
      async throw(err?: unknown) {
        leave();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  private async tick(): Promise<void> {
    await Promise.all([...this.feeds].map(([key, feed]) => this.refresh(key, feed)));
  }

  private async refresh<T>(key: string, feed: Feed<T>): Promise<void> {
    if (feed.busy) return; // the previous tick's computation is still running: skip, never pile up
    feed.busy = true;
    try {
      const value = await feed.compute();
      if (value === null) {
        this.feeds.delete(key);
        this.end(feed);
        return;
      }
      const signature = feed.signature(value);
      if (feed.last?.signature === signature) return;
      feed.last = { value, signature };
      for (const sub of feed.subscribers) {
        sub.pending = value;
        sub.wake?.();
      }
    } catch (err) {
      this.logger.warn({ err, key }, 'computing live metrics failed; retrying next tick');
    } finally {
      feed.busy = false;
    }
  }

  private end<T>(feed: Feed<T>): void {
    for (const sub of feed.subscribers) {
      sub.ended = true;
      sub.wake?.();
    }
    feed.subscribers.clear();
  }
}
