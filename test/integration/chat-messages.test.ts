import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { chatSuite, cx, freshDirect, group, MISSING_ID, newUser, send } from '../helpers/chat.js';
import { targets } from '../helpers/targets.js';

const field = async (p: Promise<unknown>, name: string) =>
  assert.equal((await expectCode(p, 'BAD_USER_INPUT')).errors[0]?.extensions?.field, name);

for (const target of targets()) {
  describe(`chat messages (${target.name})`, () => {
    // High limits: this file sends many messages; chat-abuse tests the limits.
    chatSuite(target, 'chat-messages', {
      CHAT_RATE_PER_CONVERSATION: '10000',
      CHAT_RATE_OVERALL: '10000',
    });

    it('should store a message and show it as the last message', async () => {
      const { a, b, conversation } = await freshDirect('send');
      const m = await send(a.client, conversation.id, '  Hello there  ');
      assert.equal(m.body, 'Hello there');
      assert.equal(m.conversationId, conversation.id);
      assert.equal(m.author.id, a.id);
      assert.deepEqual([m.editedAt, m.deletedAt, m.replyTo, m.reactions], [null, null, null, []]);
      const seen = (await b.client.Conversation({ id: conversation.id })).conversation!;
      assert.equal(seen.lastMessage?.id, m.id);
      assert.equal(seen.unreadCount, 1);
      const mine = (await a.client.Conversation({ id: conversation.id })).conversation!;
      assert.equal(mine.unreadCount, 0);
      const sender = mine.members.find((x) => x.user.id === a.id)!;
      assert.equal(sender.lastReadCursor, m.cursor, 'the sender has read what they wrote');
    });

    it('should return the first message when a clientMessageId is sent again', async () => {
      const { a, b, conversation } = await freshDirect('idem');
      const first = await send(a.client, conversation.id, 'once', { clientMessageId: 'c-1' });
      const again = await send(a.client, conversation.id, 'once', { clientMessageId: 'c-1' });
      assert.deepEqual(again, first);
      // The same client id from another author is another message.
      const other = await send(b.client, conversation.id, 'mine', { clientMessageId: 'c-1' });
      assert.notEqual(other.id, first.id);
      // Concurrent retries of one send store it once.
      const racing = await Promise.all(
        Array.from({ length: 8 }, () =>
          send(a.client, conversation.id, 'retry', { clientMessageId: 'c-2' }),
        ),
      );
      assert.equal(new Set(racing.map((m) => m.id)).size, 1);
      const { conversation: page } = await a.client.ConversationMessages({ id: conversation.id });
      assert.deepEqual(
        page!.messages.edges.map((e) => e.node.body),
        ['once', 'mine', 'retry'],
      );
      await field(send(a.client, conversation.id, 'x', { clientMessageId: '' }), 'clientMessageId');
      await field(
        send(a.client, conversation.id, 'x', { clientMessageId: 'c'.repeat(101) }),
        'clientMessageId',
      );
    });

    it('should give concurrent senders strictly increasing, gap-free cursors', async () => {
      const members = await Promise.all([1, 2, 3, 4].map(() => newUser('burst')));
      const [owner, ...rest] = members;
      const g = await group(owner!, rest);
      const sent = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          send(members[i % members.length]!.client, g.id, `m${i}`),
        ),
      );
      const cursors = sent.map((m) => m.cursor).sort();
      assert.equal(new Set(cursors).size, sent.length, 'no two messages share a cursor');
      const seqs = cursors.map(Number);
      assert.deepEqual(
        seqs,
        seqs.map((_, i) => seqs[0]! + i),
        'gap-free',
      );
      const { conversation } = await owner!.client.ConversationMessages({ id: g.id, last: 100 });
      const history = conversation!.messages.edges;
      assert.deepEqual(
        history.map((e) => e.cursor),
        cursors,
        'history is in cursor order',
      );
      assert.deepEqual(history.map((e) => e.node.id).sort(), sent.map((m) => m.id).sort());
    });

    it('should page history backwards in chronological order', async () => {
      const { a, conversation } = await freshDirect('history');
      const sent = [];
      for (let i = 0; i < 7; i++) sent.push(await send(a.client, conversation.id, `n${i}`));
      const bodies: string[][] = [];
      let before: string | null = null;
      for (;;) {
        const { conversation: c }: Awaited<ReturnType<typeof a.client.ConversationMessages>> =
          await a.client.ConversationMessages({ id: conversation.id, last: 3, before });
        const page = c!.messages;
        bodies.push(page.edges.map((e) => e.node.body!));
        assert.equal(page.pageInfo.hasNextPage, before !== null);
        assert.equal(page.pageInfo.startCursor, page.edges[0]?.cursor ?? null);
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      assert.deepEqual(bodies, [['n4', 'n5', 'n6'], ['n1', 'n2', 'n3'], ['n0']]);
      const { conversation: all } = await a.client.ConversationMessages({ id: conversation.id });
      assert.equal(all!.messages.edges.length, 7);
      const c = a.client;
      await field(c.ConversationMessages({ id: conversation.id, last: 101 }), 'last');
      await field(c.ConversationMessages({ id: conversation.id, before: 'abc' }), 'before');
      await field(c.ConversationMessages({ id: conversation.id, before: '0' }), 'before');
      await field(
        c.ConversationMessages({ id: conversation.id, before: '000000000000' }),
        'before',
      );
    });

    it('should refuse bad bodies and replies with BAD_USER_INPUT', async () => {
      const { a, conversation } = await freshDirect('bad');
      const other = await group(cx.ann, [cx.bob]);
      const foreign = await send(cx.ann.client, other.id, 'elsewhere');
      await field(send(a.client, conversation.id, ''), 'body');
      await field(send(a.client, conversation.id, '   '), 'body');
      await field(send(a.client, conversation.id, 'x'.repeat(4001)), 'body');
      await field(send(a.client, conversation.id, 'x', { replyToId: foreign.id }), 'replyToId');
      await field(send(a.client, conversation.id, 'x', { replyToId: MISSING_ID }), 'replyToId');
      await field(send(a.client, conversation.id, 'x', { replyToId: 'nope' }), 'replyToId');
      const longest = await send(a.client, conversation.id, '😀'.repeat(4000));
      assert.equal(longest.body, '😀'.repeat(4000));
      const reply = await send(a.client, conversation.id, 'answer', { replyToId: longest.id });
      assert.equal(reply.replyTo?.id, longest.id);
      await expectCode(send(a.client, MISSING_ID, 'x'), 'NOT_FOUND');
    });

    it('should let the author alone edit, and mark the edit', async () => {
      const g = await group(cx.ann, [cx.bob]);
      const m = await send(cx.ann.client, g.id, 'draft');
      const { editMessage } = await cx.ann.client.EditMessage({ id: m.id, body: 'final' });
      assert.equal(editMessage.body, 'final');
      assert.ok(editMessage.editedAt);
      assert.equal(editMessage.cursor, m.cursor);
      await expectCode(cx.bob.client.EditMessage({ id: m.id, body: 'mine now' }), 'FORBIDDEN');
      await expectCode(cx.mod.client.EditMessage({ id: m.id, body: 'x' }), 'NOT_FOUND');
      await field(cx.ann.client.EditMessage({ id: m.id, body: ' ' }), 'body');
      await expectCode(cx.ann.client.EditMessage({ id: MISSING_ID, body: 'x' }), 'NOT_FOUND');
      const seen = (await cx.bob.client.Conversation({ id: g.id })).conversation!;
      assert.equal(seen.lastMessage?.body, 'final');
    });

    it('should leave a tombstone when the author or a moderator deletes', async () => {
      const g = await group(cx.ann, [cx.bob, cx.mod, cx.admin]);
      const byBob = await send(cx.bob.client, g.id, 'oops');
      await cx.ann.client.React({ messageId: byBob.id, emoji: '👍' });
      await expectCode(cx.ann.client.DeleteMessage({ id: byBob.id }), 'FORBIDDEN');
      const { deleteMessage } = await cx.bob.client.DeleteMessage({ id: byBob.id });
      assert.equal(deleteMessage.body, null);
      assert.ok(deleteMessage.deletedAt);
      assert.deepEqual(deleteMessage.reactions, []);
      assert.equal(deleteMessage.cursor, byBob.cursor);
      const twice = await cx.bob.client.DeleteMessage({ id: byBob.id });
      assert.equal(twice.deleteMessage.deletedAt, deleteMessage.deletedAt);
      await expectCode(cx.bob.client.EditMessage({ id: byBob.id, body: 'back' }), 'CONFLICT');
      await expectCode(cx.ann.client.React({ messageId: byBob.id, emoji: '👍' }), 'CONFLICT');

      for (const staff of [cx.mod, cx.admin]) {
        const m = await send(cx.ann.client, g.id, 'rude');
        const { deleteMessage: gone } = await staff.client.DeleteMessage({ id: m.id });
        assert.deepEqual([gone.body, !!gone.deletedAt], [null, true]);
      }
      const { conversation } = await cx.bob.client.ConversationMessages({ id: g.id });
      const bodies = conversation!.messages.edges.map((e) => e.node.body);
      assert.deepEqual(bodies, [null, null, null], 'tombstones keep their place');
    });
  });
}
