import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { CONTENT_PUBLISHED } from '../../src/modules/content/content.topics.js';
import { expectCode } from '../helpers/errors.js';
import {
  eventually,
  redisServer,
  withoutRedisServer,
  type RedisServer,
} from '../helpers/redis-server.js';
import { bootServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { waitForSubscribers } from '../helpers/subscribers.js';
import { targets } from '../helpers/targets.js';
import { Stream } from '../helpers/ws.js';

// Drill: Redis crashes (SIGKILL, nothing saved) under live subscriptions and comes back.
// chat-live-redis-restart.test.ts drills chat (its events resume without a gap, message
// rate limits count per process meanwhile); this one the content feed, the 5 s bound on
// subscriptions coming back, and the log-in limiter. On a redis-server of this file's own.

const guard = { timeout: 90_000 };
/** Subscriptions come back within this long after Redis accepts connections again. */
const BACK_WITHIN_MS = 5_000;
const LOGIN_LIMIT = 3;

for (const target of targets()) {
  const skip =
    target.name !== 'postgresql+redis'
      ? 'a Redis drill: the SQLite target has an in-process pub/sub'
      : withoutRedisServer();
  describe(`drill: Redis restarted under live subscriptions (${target.name})`, { skip }, () => {
    let redis: RedisServer | undefined;
    let t: TestServer | undefined;
    before(async () => {
      redis = await redisServer();
      await redis.start();
      t = await bootServer(target, 'drill-redis-restart', {
        env: {
          REDIS_URL: redis.url,
          LOGIN_RATE_LIMIT: String(LOGIN_LIMIT),
          // Longer than the test: no window resets halfway.
          LOGIN_RATE_WINDOW_SECONDS: '3600',
        },
      });
    });
    after(async () => {
      try {
        await t?.close();
      } finally {
        await redis?.kill();
      }
    });

    /** How many connections Redis itself has subscribed to the channel. */
    async function subscribedInRedis(channel: string): Promise<number> {
      const probe = new Redis(redis!.url, { lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => undefined); // a refused connection rejects connect() below
      try {
        await probe.connect();
        const [, n] = (await probe.pubsub('NUMSUB', channel)) as [string, number];
        return n;
      } finally {
        probe.disconnect();
      }
    }

    it(
      'should deliver the content feed again within 5 s without resubscribing, and keep limiting log-ins while Redis is down',
      guard,
      async () => {
        const server = t!;
        const author = await server.user('drill_author');
        const reader = await server.user('drill_reader');
        const channel = `${server.config.redisPrefix}${CONTENT_PUBLISHED}`;
        const feed = new Stream(reader.client.ContentPublished({ authorId: author.id }));
        await waitForSubscribers(server.server, CONTENT_PUBLISHED, undefined);
        const publish = async (title: string) => {
          const { createContent } = await author.client.CreateContent({
            input: { kind: 'ARTICLE', title, body: 'feed' },
          });
          return (await author.client.PublishContent({ id: createContent.id })).publishContent;
        };
        const first = await publish('before the crash');
        assert.equal((await feed.next()).contentPublished.id, first.id);

        await redis!.kill();
        await eventually('the server to notice Redis is down', async () => {
          const r = await fetch(new URL('/readyz', server.server.url));
          return r.status === 503;
        });
        // Limited mutations still work on this process's own counters, and still limit.
        const stranger = server.client();
        for (let i = 0; i < LOGIN_LIMIT; i++) {
          await expectCode(
            stranger.LogIn({ input: { email: reader.email, password: 'not the password' } }),
            'UNAUTHENTICATED',
          );
        }
        await expectCode(
          stranger.LogIn({ input: { email: reader.email, password: PASSWORD } }),
          'RATE_LIMITED',
        );
        const { logIn } = await server
          .client()
          .LogIn({ input: { email: author.email, password: PASSWORD } });
        assert.equal(logIn.user.id, author.id);

        await redis!.start();
        // The server subscribes again by itself: the client's subscription never left it.
        await eventually(
          'the server to subscribe again',
          async () => (await subscribedInRedis(channel)) === 1,
          BACK_WITHIN_MS,
        );
        const second = await publish('after Redis is back');
        assert.equal((await feed.next()).contentPublished.id, second.id);
        await feed.return();
      },
    );
  });
}
