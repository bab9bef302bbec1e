import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAT_EVENTS, CHAT_INBOX } from '../../src/modules/chat/index.js';
import { chatSuite, cx, freshDirect, group, MISSING_ID, newUser, send } from '../helpers/chat.js';
import { expectCode } from '../helpers/errors.js';
import { targets } from '../helpers/targets.js';
import { Stream } from '../helpers/ws.js';
import type { ChatEventsSubscription } from '../../sdk/src/index.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// chatEvents and inboxEvents: who receives what, and when a stream ends.

/** A stream that hangs instead of delivering or ending fails the test instead of the run. */
const guard = { timeout: 30_000 };

/** The next event not about presence: members' connections come and go during these tests. */
async function next(stream: Stream<ChatEventsSubscription>) {
  for (;;) {
    const { chatEvents } = await stream.next();
    if (chatEvents.__typename !== 'PresenceChanged') return chatEvents;
  }
}

for (const target of targets()) {
  describe(`chat events (${target.name})`, () => {
    chatSuite(target, 'chat-live-events');

    const ready = (conversationId: string, n = 1) =>
      waitForSubscribers(cx.t.server, CHAT_EVENTS, conversationId, n);

    it('should refuse chatEvents to non-members and for unknown conversations', guard, async () => {
      const { conversation } = await freshDirect('refuse');
      const outsider = await newUser('outsider');
      await expectCode(
        new Stream(outsider.client.ChatEvents({ conversationId: conversation.id })).next(),
        'NOT_FOUND',
      );
      await expectCode(
        new Stream(outsider.client.ChatEvents({ conversationId: MISSING_ID })).next(),
        'NOT_FOUND',
      );
      await expectCode(
        new Stream(cx.t.client().ChatEvents({ conversationId: conversation.id })).next(),
        'UNAUTHENTICATED',
      );
      await expectCode(new Stream(cx.t.client().InboxEvents()).next(), 'UNAUTHENTICATED');
      assert.equal(cx.t.server.pubsub.subscriberCount(CHAT_EVENTS, conversation.id), 0);
    });

    it(
      'should stream new messages, then edits, reactions and deletions as MessageUpdated',
      guard,
      async () => {
        const { a, b, conversation } = await freshDirect('flow');
        const stream = new Stream(b.client.ChatEvents({ conversationId: conversation.id }));
        await ready(conversation.id);

        const sent = await send(a.client, conversation.id, 'Hello there');
        const posted = await next(stream);
        assert.equal(posted.__typename, 'MessagePosted');
        assert.ok(posted.__typename === 'MessagePosted');
        assert.deepEqual(posted.message, sent);
        assert.equal(posted.message.body, 'Hello there');
        assert.equal(posted.message.author.handle, sent.author.handle);

        await a.client.EditMessage({ id: sent.id, body: 'Hello, edited' });
        const edited = await next(stream);
        assert.ok(edited.__typename === 'MessageUpdated');
        assert.equal(edited.message.body, 'Hello, edited');
        assert.ok(edited.message.editedAt);

        await b.client.React({ messageId: sent.id, emoji: '👍' });
        const reacted = await next(stream);
        assert.ok(reacted.__typename === 'MessageUpdated');
        assert.deepEqual(reacted.message.reactions, [
          { emoji: '👍', count: 1, viewerReacted: true },
        ]);
        await b.client.React({ messageId: sent.id, emoji: '👍' });
        const unreacted = await next(stream);
        assert.ok(unreacted.__typename === 'MessageUpdated');
        assert.deepEqual(unreacted.message.reactions, []);

        await a.client.DeleteMessage({ id: sent.id });
        const deleted = await next(stream);
        assert.ok(deleted.__typename === 'MessageUpdated');
        assert.equal(deleted.message.id, sent.id);
        assert.equal(deleted.message.body, null);
        assert.ok(deleted.message.deletedAt);
        await stream.return();
      },
    );

    it(
      'should resolve the same event for each subscriber as that subscriber sees it',
      guard,
      async () => {
        const conversation = await group(cx.ann, [cx.bob, cx.cat], 'Per viewer');
        const streams = [cx.ann, cx.bob, cx.cat].map(
          (u) => new Stream(u.client.ChatEvents({ conversationId: conversation.id })),
        );
        await ready(conversation.id, 3);
        const sent = await send(cx.ann.client, conversation.id, 'React to me');
        for (const s of streams) assert.equal((await next(s)).__typename, 'MessagePosted');
        await cx.bob.client.React({ messageId: sent.id, emoji: '🎉' });
        const seen = await Promise.all(streams.map(async (s) => await next(s)));
        const mine = seen.map((e) =>
          e.__typename === 'MessageUpdated' ? e.message.reactions : null,
        );
        assert.deepEqual(mine, [
          [{ emoji: '🎉', count: 1, viewerReacted: false }],
          [{ emoji: '🎉', count: 1, viewerReacted: true }],
          [{ emoji: '🎉', count: 1, viewerReacted: false }],
        ]);
        await Promise.all(streams.map((s) => s.return()));
      },
    );

    it('should deliver read receipts', guard, async () => {
      const { a, b, conversation } = await freshDirect('receipt');
      const sent = await send(a.client, conversation.id, 'Did you read this?');
      const stream = new Stream(a.client.ChatEvents({ conversationId: conversation.id }));
      await ready(conversation.id);
      await b.client.MarkRead({ conversationId: conversation.id, cursor: sent.cursor });
      const receipt = await next(stream);
      assert.ok(receipt.__typename === 'ReadReceipt');
      assert.deepEqual(receipt, {
        __typename: 'ReadReceipt',
        conversationId: conversation.id,
        lastReadCursor: sent.cursor,
        user: { id: b.id, handle: receipt.user.handle },
      });
      assert.equal(receipt.user.id, b.id);
      await stream.return();
    });

    it('should end the stream of a member who leaves, and only theirs', guard, async () => {
      const conversation = await group(cx.ann, [cx.bob, cx.cat], 'Leaving');
      const bobs = new Stream(cx.bob.client.ChatEvents({ conversationId: conversation.id }));
      const cats = new Stream(cx.cat.client.ChatEvents({ conversationId: conversation.id }));
      await ready(conversation.id, 2);
      await cx.bob.client.LeaveConversation({ id: conversation.id });
      // Cat's connection may come online just before: presence may precede the end.
      for (;;) {
        const e = await bobs.next().catch((err: Error) => {
          if (/ended/.test(err.message)) return null;
          throw err;
        });
        if (!e) break;
        assert.equal(e.chatEvents.__typename, 'PresenceChanged');
      }
      await send(cx.ann.client, conversation.id, 'Bob has gone');
      const after = await next(cats);
      assert.ok(after.__typename === 'MessagePosted');
      assert.equal(after.message.body, 'Bob has gone');
      await expectCode(
        new Stream(cx.bob.client.ChatEvents({ conversationId: conversation.id })).next(),
        'NOT_FOUND',
      );
      await cats.return();
    });

    it(
      "should stream new messages and receipts of all the viewer's conversations to their inbox",
      guard,
      async () => {
        const owner = await newUser('inbox');
        const [x, y] = await Promise.all([newUser('inboxx'), newUser('inboxy')]);
        const one = (await owner.client.StartConversation({ memberIds: [x.id] })).startConversation;
        const two = await group(owner, [x, y], 'Inbox group');
        const inbox = new Stream(owner.client.InboxEvents());
        await waitForSubscribers(cx.t.server, CHAT_INBOX, owner.id);

        const first = await send(x.client, one.id, 'In the DM');
        const second = await send(y.client, two.id, 'In the group');
        await x.client.MarkRead({ conversationId: two.id, cursor: second.cursor });

        const events = [(await inbox.next()).inboxEvents, (await inbox.next()).inboxEvents];
        const receipt = (await inbox.next()).inboxEvents;
        assert.deepEqual(
          events.map((e) => (e.__typename === 'MessagePosted' ? e.message.id : e.__typename)),
          [first.id, second.id],
        );
        assert.ok(receipt.__typename === 'ReadReceipt');
        assert.equal(receipt.conversationId, two.id);
        assert.equal(receipt.user.id, x.id);
        assert.equal(receipt.lastReadCursor, second.cursor);
        await inbox.return();
      },
    );
  });
}
