import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import { expectCode } from '../helpers/errors.js';
import { chatSuite, cx, freshDirect, group, newUser, send, type Signed } from '../helpers/chat.js';
import { targets } from '../helpers/targets.js';
import { nextMatching, Stream } from '../helpers/ws.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// Issue 11, item 4: once C blocks A, nothing of A's reaches C (one policy predicate,
// `mayReach`, asked by the services and the live streams), and A cannot put C in a group.

const guard = { timeout: 30_000 };
type Event = {
  chatEvents: { __typename: string; user?: { id: string }; message?: { body?: string | null } };
};

async function expectBlocked(promise: Promise<unknown>, what: string) {
  const e = await expectCode(promise, 'FORBIDDEN');
  assert.equal(e.errors[0]?.extensions?.reason, 'BLOCKED', what);
}

/** Events of `stream` up to the message `body`, which must come. */
async function upTo(stream: Stream<Event>, body: string) {
  return nextMatching(stream, (e) => e.chatEvents.message?.body === body);
}

const by = (events: Event[], userId: string, type: string) =>
  events.filter((e) => e.chatEvents.__typename === type && e.chatEvents.user?.id === userId);

for (const target of targets()) {
  describe(`chat blocking (${target.name})`, () => {
    chatSuite(target, 'chat-blocking');

    const ready = (conversationId: string, n = 1) =>
      waitForSubscribers(cx.t.server, CHAT_EVENTS, conversationId, n);

    /** A DIRECT of A and C with a message of each, C listening, then C blocks A. */
    async function blockedDirect(prefix: string) {
      const { a, b: c, conversation } = await freshDirect(prefix);
      const fromA = await send(a.client, conversation.id, 'from a');
      const fromC = await send(c.client, conversation.id, 'from c');
      const stream = new Stream<Event>(c.client.ChatEvents({ conversationId: conversation.id }));
      await ready(conversation.id);
      await c.client.BlockUser({ userId: a.id });
      /** C's stream got nothing of A's: the next event is C's own message. */
      const nothingReachedC = async () => {
        await send(c.client, conversation.id, 'c still writes');
        const seen = await upTo(stream, 'c still writes');
        assert.deepEqual(
          seen.map((e) => e.chatEvents.__typename),
          ['MessagePosted'],
          JSON.stringify(seen),
        );
        await stream.return();
      };
      return { a, c, id: conversation.id, fromA, fromC, nothingReachedC };
    }

    const interactions: [
      string,
      (x: Awaited<ReturnType<typeof blockedDirect>>) => Promise<unknown>,
    ][] = [
      ['send a message', (x) => send(x.a.client, x.id, 'after the block')],
      ['edit their message', (x) => x.a.client.EditMessage({ id: x.fromA.id, body: 'edited' })],
      ['react to a message', (x) => x.a.client.React({ messageId: x.fromC.id, emoji: '👍' })],
      ['react to their own', (x) => x.a.client.React({ messageId: x.fromA.id, emoji: '👍' })],
      ['type', (x) => x.a.client.SetTyping({ conversationId: x.id, typing: true })],
      [
        'send a read receipt',
        (x) => x.a.client.MarkRead({ conversationId: x.id, cursor: x.fromC.cursor }),
      ],
    ];
    interactions.forEach(([what, act], i) => {
      it(
        `should not let the blocked user ${what} in the DIRECT, nor C receive it`,
        guard,
        async () => {
          const x = await blockedDirect(`blk${i}`);
          await expectBlocked(act(x), what);
          await x.nothingReachedC();
        },
      );
    });

    it('should leave the blocker every right, and give them back on unblock', guard, async () => {
      const x = await blockedDirect('blkback');
      await x.c.client.React({ messageId: x.fromA.id, emoji: '👀' });
      await x.c.client.SetTyping({ conversationId: x.id, typing: false });
      await x.c.client.MarkRead({ conversationId: x.id, cursor: x.fromC.cursor });
      const { conversation: stored } = await x.c.client.ConversationMessages({ id: x.id });
      const first = stored!.messages.edges.find((e) => e.node.id === x.fromA.id)!.node;
      assert.equal(first.body, 'from a');
      await x.c.client.UnblockUser({ userId: x.a.id });
      await x.a.client.EditMessage({ id: x.fromA.id, body: 'edited after the unblock' });
      await x.a.client.React({ messageId: x.fromC.id, emoji: '👍' });
      await x.a.client.SetTyping({ conversationId: x.id, typing: false });
      await x.a.client.MarkRead({ conversationId: x.id, cursor: x.fromC.cursor });
    });

    it('should not let anyone put the blocker in a group', guard, async () => {
      const [a, c, d] = await Promise.all([newUser('ga'), newUser('gc'), newUser('gd')]);
      await c.client.BlockUser({ userId: a.id });
      await expectBlocked(
        a.client.StartConversation({ memberIds: [c.id, d.id], title: 'With C' }),
        'group with the blocker',
      );
      await expectBlocked(a.client.StartConversation({ memberIds: [c.id] }), 'direct');
      const { conversations } = await c.client.Conversations({});
      assert.equal(conversations.edges.length, 0, 'C is in no conversation');
      // Others, and the blocker, still can.
      await group(a, [d]);
      await group(c, [a, d]);
    });

    it(
      "should hide the blocker's presence from the blocked, and the blocked's typing from the blocker",
      guard,
      async () => {
        const [a, c, d] = await Promise.all([newUser('pa'), newUser('pc'), newUser('pd')]);
        // A group of the three, made before the block: it stays, with what reaches whom filtered.
        const g = await group(d, [a, c]);
        await c.client.BlockUser({ userId: a.id });
        const streamOf = (u: Signed) =>
          new Stream<Event>(u.client.ChatEvents({ conversationId: g.id }));
        const [ofA, ofD] = [streamOf(a), streamOf(d)];
        await ready(g.id, 2);
        // C's first connection (its stream's) brings C online while A and D listen.
        const ofC = streamOf(c);
        await ready(g.id, 3);
        const presenceOfC = (e: Event) =>
          e.chatEvents.__typename === 'PresenceChanged' && e.chatEvents.user?.id === c.id;
        // D sees it: from here on, the same topic has carried it to A's stream too.
        const seenByD = await nextMatching(ofD, presenceOfC);
        await a.client.SetTyping({ conversationId: g.id, typing: true });
        const fromD = await send(d.client, g.id, 'sentinel');
        await a.client.MarkRead({ conversationId: g.id, cursor: fromD.cursor });
        await send(d.client, g.id, 'second sentinel');

        const seenByA = await upTo(ofA, 'second sentinel');
        const seenByC = await upTo(ofC, 'second sentinel');
        seenByD.push(...(await upTo(ofD, 'second sentinel')));
        assert.deepEqual(by(seenByA, c.id, 'PresenceChanged'), [], JSON.stringify(seenByA));
        assert.ok(by(seenByD, c.id, 'PresenceChanged').length > 0, JSON.stringify(seenByD));
        assert.deepEqual(by(seenByC, a.id, 'TypingChanged'), [], JSON.stringify(seenByC));
        assert.deepEqual(by(seenByC, a.id, 'ReadReceipt'), [], JSON.stringify(seenByC));
        assert.ok(by(seenByD, a.id, 'TypingChanged').length > 0, JSON.stringify(seenByD));
        assert.ok(by(seenByD, a.id, 'ReadReceipt').length > 0, JSON.stringify(seenByD));

        const online = async (viewer: Signed) => {
          const { conversation } = await viewer.client.Conversation({ id: g.id });
          return conversation!.members.find((m) => m.user.id === c.id)!.online;
        };
        assert.equal(await online(d), true);
        assert.equal(await online(a), false);
        for (const s of [ofA, ofC, ofD]) await s.return();
      },
    );
  });
}
