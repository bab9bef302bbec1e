import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { CHAT_EVENTS, redisPresence } from '../../src/modules/chat/index.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { connect, Stream } from '../helpers/ws.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// Two server processes on one PostgreSQL and one Redis behave as one: messages, typing
// and presence cross between them.

const guard = { timeout: 30_000 };
const env = {
  SCHEDULER_INTERVAL_MS: '86400000',
  CHAT_TYPING_TTL_MS: '150',
  CHAT_PRESENCE_TTL_MS: '1000',
  CHAT_PRESENCE_HEARTBEAT_MS: '200',
};

for (const target of targets().filter((t) => t.name === 'postgresql+redis')) {
  describe(`chat across processes (${target.name})`, () => {
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      a = await bootServer(target, 'chat-live-cluster', { env });
      b = await bootServer(target, 'chat-live-cluster', { env, storage: a.storage });
    });
    after(async () => {
      await b.close();
      await a.close();
    });

    /** Two users signed up on A, each with a client of B too, in one DIRECT conversation. */
    async function pair(prefix: string) {
      const [x, y] = await Promise.all([a.user(`${prefix}x`), a.user(`${prefix}y`)]);
      const { startConversation } = await x.client.StartConversation({ memberIds: [y.id] });
      return { x, y, yOnB: b.client(y.token), conversation: startConversation };
    }

    it(
      'should deliver a message sent through A to a subscriber on B, and resume on B',
      guard,
      async () => {
        const { x, yOnB, conversation } = await pair('msg');
        const { sendMessage: earlier } = await x.client.SendMessage({
          input: { conversationId: conversation.id, body: 'earlier' },
        });
        const stream = new Stream(yOnB.ChatEvents({ conversationId: conversation.id }));
        await waitForSubscribers(b.server, CHAT_EVENTS, conversation.id);
        const { sendMessage } = await x.client.SendMessage({
          input: { conversationId: conversation.id, body: 'from A' },
        });
        const got = (await stream.next()).chatEvents;
        assert.ok(got.__typename === 'MessagePosted');
        assert.deepEqual(got.message, sendMessage);
        await stream.return();

        const resumed = new Stream(
          yOnB.ChatEvents({ conversationId: conversation.id, after: earlier.cursor }),
        );
        const replayed = (await resumed.next()).chatEvents;
        assert.ok(replayed.__typename === 'MessagePosted');
        assert.equal(replayed.message.cursor, sendMessage.cursor);
        await resumed.return();
      },
    );

    it('should carry typing, and its expiry, from A to B', guard, async () => {
      const { x, yOnB, conversation } = await pair('typ');
      const stream = new Stream(yOnB.ChatEvents({ conversationId: conversation.id }));
      await waitForSubscribers(b.server, CHAT_EVENTS, conversation.id);
      await x.client.SetTyping({ conversationId: conversation.id, typing: true });
      const seen = [(await stream.next()).chatEvents, (await stream.next()).chatEvents];
      assert.deepEqual(
        seen.map((e) => (e.__typename === 'TypingChanged' ? [e.user.id, e.typing] : null)),
        [
          [x.id, true],
          [x.id, false],
        ],
      );
      await stream.return();
    });

    it('should count connections on both processes for presence', guard, async () => {
      const { x, yOnB, conversation } = await pair('pres');
      const stream = new Stream(yOnB.ChatEvents({ conversationId: conversation.id }));
      await waitForSubscribers(b.server, CHAT_EVENTS, conversation.id);
      const auth = { authorization: `Bearer ${x.token}` };
      const onA = connect(a.server.wsUrl, auth);
      await onA.connected;
      const onB = connect(b.server.wsUrl, auth);
      await onB.connected;
      const came = (await stream.next()).chatEvents;
      assert.ok(came.__typename === 'PresenceChanged' && came.online && came.user.id === x.id);
      const { conversation: seenOnB } = await yOnB.Conversation({ id: conversation.id });
      assert.equal(seenOnB?.members.find((m) => m.user.id === x.id)?.online, true);

      await onA.close();
      await onB.close();
      const went = (await stream.next()).chatEvents;
      assert.ok(went.__typename === 'PresenceChanged');
      assert.deepEqual([went.user.id, went.online], [x.id, false]);
      await stream.return();
    });

    it(
      "should take a crashed process's users offline once their connections expire",
      guard,
      async () => {
        const { x, yOnB, conversation } = await pair('crash');
        const stream = new Stream(yOnB.ChatEvents({ conversationId: conversation.id }));
        await waitForSubscribers(b.server, CHAT_EVENTS, conversation.id);
        // A process that registered a connection and then died: nobody refreshes it.
        const redis = new Redis(a.storage.env.REDIS_URL!);
        try {
          const crashed = redisPresence(redis, a.storage.env.REDIS_PREFIX!, 300);
          assert.equal(await crashed.connect(x.id, 'connection-of-a-dead-process'), true);
        } finally {
          redis.disconnect();
        }
        const went = (await stream.next()).chatEvents;
        assert.ok(went.__typename === 'PresenceChanged');
        assert.deepEqual([went.user.id, went.online], [x.id, false]);
        await stream.return();
      },
    );
  });
}
