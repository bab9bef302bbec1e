import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import type { ChatEventsSubscription } from '../../sdk/src/index.js';
import { send } from '../helpers/chat.js';
import { expectCode } from '../helpers/errors.js';
import {
  eventually,
  redisServer,
  withoutRedisServer,
  type RedisServer,
} from '../helpers/redis-server.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { Stream } from '../helpers/ws.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// Redis crashes (SIGKILL, nothing saved) and comes back under a running server. On a
// redis-server of this file's own: the shared one serves the other test files.

const guard = { timeout: 90_000 };
const RATE = 5;
const env = {
  SCHEDULER_INTERVAL_MS: '86400000',
  CHAT_RATE_PER_CONVERSATION: String(RATE),
  // Longer than the test: no window resets halfway.
  CHAT_RATE_PER_CONVERSATION_WINDOW_SECONDS: '3600',
  CHAT_RATE_OVERALL: '1000',
  CHAT_PRESENCE_HEARTBEAT_MS: '200',
  CHAT_PRESENCE_TTL_MS: '2000',
};

/** The cursor of the stream's next new message (presence comes and goes meanwhile). */
async function nextCursor(stream: Stream<ChatEventsSubscription>): Promise<string> {
  for (;;) {
    const { chatEvents } = await stream.next();
    if (chatEvents.__typename === 'MessagePosted') return chatEvents.message.cursor;
  }
}

for (const target of targets().filter((t) => t.name === 'postgresql+redis')) {
  describe(`chat across a Redis restart (${target.name})`, { skip: withoutRedisServer() }, () => {
    let redis: RedisServer | undefined;
    let t: TestServer | undefined;
    before(async () => {
      redis = await redisServer();
      await redis.start();
      t = await bootServer(target, 'chat-live-redis-restart', {
        env: { ...env, REDIS_URL: redis.url },
      });
    });
    after(async () => {
      try {
        await t?.close();
      } finally {
        await redis?.kill();
      }
    });

    async function readyz() {
      const response = await fetch(t!.server.url.replace(/\/graphql$/, '/readyz'));
      const body = (await response.json()) as { redis: string };
      return { status: response.status, redis: body.redis };
    }

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
      'should deliver live again without reconnecting, keep what was sent meanwhile, and show the outage in /readyz',
      guard,
      async () => {
        const server = t!;
        const [a, b] = await Promise.all([server.user('crash_a'), server.user('crash_b')]);
        const { startConversation: c } = await a.client.StartConversation({ memberIds: [b.id] });
        const channel = `${server.config.redisPrefix}${CHAT_EVENTS}:${c.id}`;
        const live = new Stream(b.client.ChatEvents({ conversationId: c.id }));
        await waitForSubscribers(server.server, CHAT_EVENTS, c.id);
        const seen = await send(a.client, c.id, 'before the crash');
        assert.equal(await nextCursor(live), seen.cursor);
        assert.deepEqual(await readyz(), { status: 200, redis: 'ok' });

        await redis!.kill();
        await eventually('/readyz to report Redis down', async () => {
          const r = await readyz();
          return r.status === 503 && r.redis === 'down';
        });

        // Stored while Redis is down: rate limits count on this process meanwhile, and the
        // failed publish is logged. Cursors stay gap-free.
        const during = await send(a.client, c.id, 'while Redis is down');
        assert.equal(Number(during.cursor), Number(seen.cursor) + 1);
        const [x, y] = await Promise.all([server.user('crash_x'), server.user('crash_y')]);
        const { startConversation: other } = await x.client.StartConversation({
          memberIds: [y.id],
        });
        const burst = await Promise.allSettled(
          Array.from({ length: RATE + 1 }, (_, i) => send(x.client, other.id, `burst ${i}`)),
        );
        assert.equal(burst.filter((r) => r.status === 'fulfilled').length, RATE);
        const refused = burst.find((r) => r.status === 'rejected');
        await expectCode(Promise.reject(refused?.reason), 'RATE_LIMITED');

        await redis!.start();
        await eventually('/readyz to report Redis back', async () => {
          const r = await readyz();
          return r.status === 200 && r.redis === 'ok';
        });
        // The server subscribes again by itself: the client's subscription never left it.
        // Within 5 s of Redis accepting connections again (the drills' bound).
        await eventually(
          'the server to subscribe again',
          async () => (await subscribedInRedis(channel)) === 1,
          5_000,
        );
        assert.equal(server.server.pubsub.subscriberCount(CHAT_EVENTS, c.id), 1);
        // Redis came back empty: the heartbeat registers b's open connection again.
        await eventually('b to be online again', async () => {
          const { conversation } = await a.client.Conversation({ id: c.id });
          return conversation?.members.find((m) => m.user.id === b.id)?.online === true;
        });

        // The message of the outage comes first, whether its event arrived late (ioredis
        // sent it once Redis was back) or never: then the jump in cursors has it read
        // from the database.
        const back = await send(a.client, c.id, 'after Redis is back');
        assert.equal(await nextCursor(live), during.cursor);
        assert.equal(await nextCursor(live), back.cursor);

        // Resuming from the last cursor seen before the crash: each message once, in order.
        const resumed = new Stream(
          b.client.ChatEvents({ conversationId: c.id, after: seen.cursor }),
        );
        assert.equal(await nextCursor(resumed), during.cursor);
        assert.equal(await nextCursor(resumed), back.cursor);
        for (const body of ['live again', 'and again']) {
          const next = await send(a.client, c.id, body);
          assert.equal(await nextCursor(resumed), next.cursor);
          assert.equal(await nextCursor(live), next.cursor);
        }
        await Promise.all([live.return(), resumed.return()]);
      },
    );
  });
}
