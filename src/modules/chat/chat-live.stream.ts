import { END, SKIP } from '../../infra/pubsub.js';
import type { Message } from './message.entity.js';

/** Stored messages are read this many at a time. */
export const STORED_PAGE = 100;

export interface SequencedSource<E, T> {
  /** The live events, subscribed before anything was read. */
  events: AsyncIterableIterator<E>;
  /** The sequence number the client has (its `after` cursor's), or 0 for none. */
  sentSeq: number;
  /** Whether the stored messages after `sentSeq` come first. */
  replay: boolean;
  /** The sequence number of a live event's new message; null for any other event. */
  seqOf(event: E): number | null;
  /** Up to STORED_PAGE stored messages after `after` and before `before`, oldest first. */
  stored(after: number, before: number | null): Promise<Message[]>;
  fromStored(message: Message): T;
  /** A live event as delivered, or SKIP or END. */
  fromLive(event: E): Promise<T | typeof SKIP | typeof END>;
}

/**
 * A conversation's stream with every new message once, in sequence order. With `replay`,
 * the stored messages after `sentSeq` come first, page by page. Then live events; once the
 * client has a position (its `after`, or the first message delivered), a message whose
 * number jumps past the next one waits while the ones in between are read from the
 * database: their events come late (another sender published after this one) or never
 * (Redis was down). A number is allocated only once the previous one is committed, so
 * those are stored. A message already delivered is skipped when its event arrives.
 * `return()` unsubscribes at once, also while reading.
 */
export function sequenced<E, T>(source: SequencedSource<E, T>): AsyncIterableIterator<T> {
  let sentSeq = source.sentSeq;
  let page: Message[] = [];
  let reading = source.replay;
  let before: number | null = null;
  let held: E | null = null;
  let done = false;
  const finish = async (): Promise<IteratorResult<T>> => {
    done = true;
    await source.events.return?.();
    return { value: undefined, done: true };
  };

  const next = async (): Promise<IteratorResult<T>> => {
    for (;;) {
      if (done) return { value: undefined, done: true };
      const stored = page.shift();
      if (stored) {
        sentSeq = stored.seq;
        return { value: source.fromStored(stored), done: false };
      }
      if (reading) {
        page = await source.stored(sentSeq, before);
        reading = page.length === STORED_PAGE;
        continue;
      }
      let event = held;
      // Once the gap is read, the held message goes out whatever was found.
      const filled = event !== null;
      held = null;
      if (event === null) {
        const r = await source.events.next();
        if (r.done) return finish();
        event = r.value;
      }
      const seq = source.seqOf(event);
      if (seq !== null) {
        if (seq <= sentSeq) continue;
        if (!filled && sentSeq > 0 && seq > sentSeq + 1) {
          [held, reading, before] = [event, true, seq];
          continue;
        }
        sentSeq = seq;
      }
      const value = await source.fromLive(event);
      if (value === SKIP) continue;
      if (value === END) return finish();
      return { value, done: false };
    }
  };

  const iterator: AsyncIterableIterator<T> = {
    next,
    return: finish,
    async throw(err?: unknown) {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
