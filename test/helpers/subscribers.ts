import type { MarqueeServer } from '../../src/server.js';
import type { Topic } from '../../src/infra/pubsub.js';

/**
 * Resolves once `server` holds at least `n` subscribers of the topic (and id) in this
 * process: the moment an event published now reaches every one of them. A harness helper
 * over the pub/sub's subscriber count, so tests wait on a deferred, never a sleep.
 */
export function waitForSubscribers(
  server: Pick<MarqueeServer, 'pubsub'>,
  topic: Topic,
  id: string | undefined,
  n = 1,
): Promise<void> {
  return waitUntil(server, topic, id, (count) => count >= n);
}

/** Resolves once `server` holds at most `n` subscribers of the topic (0: all have left). */
export function waitForSubscribersAtMost(
  server: Pick<MarqueeServer, 'pubsub'>,
  topic: Topic,
  id: string | undefined,
  n = 0,
): Promise<void> {
  return waitUntil(server, topic, id, (count) => count <= n);
}

function waitUntil(
  { pubsub }: Pick<MarqueeServer, 'pubsub'>,
  topic: Topic,
  id: string | undefined,
  done: (count: number) => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    if (done(pubsub.subscriberCount(topic, id))) return resolve();
    const stop = pubsub.onSubscriberChange((t, i) => {
      if (t === topic && i === id && done(pubsub.subscriberCount(topic, id))) {
        stop();
        resolve();
      }
    });
  });
}
