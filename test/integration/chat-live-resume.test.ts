import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import { chatSuite, cx, freshDirect, send, type Signed } from '../helpers/chat.js';
import { deferred, expectCode } from '../helpers/errors.js';
import { targets } from '../helpers/targets.js';
import { Stream } from '../helpers/ws.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// chatEvents with `after`: the stored messages after the cursor, then live events, with no
// gap and no duplicate while messages keep arriving.

const guard = { timeout: 60_000 };
const UNLIMITED = {
  CHAT_RATE_PER_CONVERSATION: '100000',
  CHAT_RATE_OVERALL: '100000',
};

type Sent = Awaited<ReturnType<typeof send>>;

async function sendMany(from: Signed, conversationId: string, n: number, label: string) {
  const sent: Sent[] = [];
  for (let i = 0; i < n; i++) sent.push(await send(from.client, conversationId, `${label} ${i}`));
  return sent;
}

function cursorOf(e: { __typename: string; message?: { cursor: string } }): string {
  assert.equal(e.__typename, 'MessagePosted');
  return e.message!.cursor;
}

for (const target of targets()) {
  describe(`chat resume (${target.name})`, () => {
    chatSuite(target, 'chat-live-resume', UNLIMITED);

    it(
      'should deliver exactly the stored messages after `after`, then live ones, while two members keep sending',
      guard,
      async () => {
        const { a, b, conversation } = await freshDirect('resume');
        // More than one replay page (100) before the cursor is even used.
        const before = await sendMany(a, conversation.id, 130, 'before');
        const after = before[9]!.cursor;

        // Both members send concurrently; b subscribes once a few are in, so messages are
        // stored during the replay and published while the stream is replaying.
        const started = deferred<void>();
        const senders = [a, b].map(async (who, k) => {
          const sent: Sent[] = [];
          for (let i = 0; i < 60; i++) {
            sent.push(await send(who.client, conversation.id, `during ${k}.${i}`));
            if (k === 0 && i === 5) started.resolve();
          }
          return sent;
        });
        await started.promise;
        const stream = new Stream(b.client.ChatEvents({ conversationId: conversation.id, after }));
        const during = (await Promise.all(senders)).flat();

        const expected = [...before, ...during]
          .map((m) => m.cursor)
          .filter((c) => c > after)
          .sort();
        const received: string[] = [];
        while (received.length < expected.length) {
          received.push(cursorOf((await stream.next()).chatEvents));
        }
        assert.deepEqual(received, expected);
        for (let i = 1; i < received.length; i++) assert.ok(received[i - 1]! < received[i]!);

        // Then live: the next event is the next message, nothing repeated before it.
        const last = await send(a.client, conversation.id, 'after the catch-up');
        assert.equal(cursorOf((await stream.next()).chatEvents), last.cursor);

        // And the stream's messages are the stored ones.
        const { conversation: stored } = await b.client.ConversationMessages({
          id: conversation.id,
          last: 1,
        });
        assert.equal(stored?.messages.edges[0]?.cursor, last.cursor);
        await stream.return();
      },
    );

    it('should replay bodies, authors and tombstones as stored', guard, async () => {
      const { a, b, conversation } = await freshDirect('replay');
      const first = await send(a.client, conversation.id, 'first');
      const kept = await send(b.client, conversation.id, 'kept', { replyToId: first.id });
      const gone = await send(a.client, conversation.id, 'gone');
      await a.client.DeleteMessage({ id: gone.id });
      await a.client.React({ messageId: kept.id, emoji: '👀' });

      const stream = new Stream(
        b.client.ChatEvents({ conversationId: conversation.id, after: first.cursor }),
      );
      const replayed = [(await stream.next()).chatEvents, (await stream.next()).chatEvents];
      const [one, two] = replayed.map((e) => (e.__typename === 'MessagePosted' ? e.message : null));
      assert.equal(one?.id, kept.id);
      assert.equal(one?.body, 'kept');
      assert.equal(one?.replyTo?.id, first.id);
      assert.deepEqual(one?.reactions, [{ emoji: '👀', count: 1, viewerReacted: false }]);
      assert.equal(two?.id, gone.id);
      assert.equal(two?.body, null);
      assert.ok(two?.deletedAt);

      // Nothing else is replayed: the next event is live.
      await waitForSubscribers(cx.t.server, CHAT_EVENTS, conversation.id);
      const live = await send(a.client, conversation.id, 'live');
      assert.equal(cursorOf((await stream.next()).chatEvents), live.cursor);
      await stream.return();
    });

    it('should start live at once when `after` is the newest cursor', guard, async () => {
      const { a, b, conversation } = await freshDirect('newest');
      const newest = await send(a.client, conversation.id, 'newest');
      const stream = new Stream(
        b.client.ChatEvents({ conversationId: conversation.id, after: newest.cursor }),
      );
      await waitForSubscribers(cx.t.server, CHAT_EVENTS, conversation.id);
      const next = await send(b.client, conversation.id, 'next');
      assert.equal(cursorOf((await stream.next()).chatEvents), next.cursor);
      await stream.return();
    });

    it(
      'should refuse an `after` beyond the newest message with BAD_USER_INPUT',
      guard,
      async () => {
        const { a, b, conversation } = await freshDirect('pastnewest');
        const beyond = async (after: string) => {
          const error = await expectCode(
            new Stream(b.client.ChatEvents({ conversationId: conversation.id, after })).next(),
            'BAD_USER_INPUT',
          );
          assert.equal(error.errors[0]?.extensions?.field, 'after');
          // Refused before any event: the subscription it had opened is gone.
          assert.equal(cx.t.server.pubsub.subscriberCount(CHAT_EVENTS, conversation.id), 0);
        };
        await beyond('000000000001'); // no message yet
        const newest = await send(a.client, conversation.id, 'newest');
        await beyond(String(Number(newest.cursor) + 1).padStart(newest.cursor.length, '0'));
        await beyond('999999999999');
      },
    );

    it('should accept the newest cursor while another member keeps sending', guard, async () => {
      const { a, b, conversation } = await freshDirect('racing');
      let sending = true;
      const noise = (async () => {
        while (sending) await send(a.client, conversation.id, 'noise');
      })();
      try {
        for (let i = 0; i < 10; i++) {
          const mine = await send(b.client, conversation.id, `mine ${i}`);
          const stream = new Stream(
            b.client.ChatEvents({ conversationId: conversation.id, after: mine.cursor }),
          );
          // The noise goes on, so a next message always comes, and it is after `mine`. Each
          // round opens a new connection, whose presence may come first.
          let first = (await stream.next()).chatEvents;
          while (first.__typename === 'PresenceChanged') first = (await stream.next()).chatEvents;
          assert.ok(cursorOf(first) > mine.cursor);
          await stream.return();
        }
      } finally {
        sending = false;
        await noise;
      }
    });

    it('should refuse a malformed `after` with BAD_USER_INPUT', guard, async () => {
      const { b, conversation } = await freshDirect('badafter');
      const error = await expectCode(
        new Stream(b.client.ChatEvents({ conversationId: conversation.id, after: 'nope' })).next(),
        'BAD_USER_INPUT',
      );
      assert.equal(error.errors[0]?.extensions?.field, 'after');
    });
  });
}
