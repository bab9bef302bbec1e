import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { chatSuite, cx, freshDirect, group, send } from '../helpers/chat.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`chat read state (${target.name})`, () => {
    chatSuite(target, 'chat-read');

    it('should count messages by others after the read position, also after a reconnect', async () => {
      const { a, b, conversation } = await freshDirect('unread');
      await send(b.client, conversation.id, 'my own does not count');
      const sent = [];
      for (let i = 0; i < 4; i++) sent.push(await send(a.client, conversation.id, `u${i}`));
      const unread = async (c = b.client) =>
        (await c.Conversation({ id: conversation.id })).conversation!.unreadCount;
      assert.equal(await unread(), 4);

      const { markRead } = await b.client.MarkRead({
        conversationId: conversation.id,
        cursor: sent[1]!.cursor,
      });
      assert.equal(markRead.unreadCount, 2);
      const me = markRead.members.find((m) => m.user.id === b.id)!;
      assert.equal(me.lastReadCursor, sent[1]!.cursor);

      // A fresh client (a reload, another device): the count comes from the database.
      const reconnected = cx.t.client(b.token);
      assert.equal(await unread(reconnected), 2);
      const listed = (await reconnected.Conversations({})).conversations.edges[0]!.node;
      assert.equal(listed.unreadCount, 2);

      // A deleted message is no longer unread.
      await a.client.DeleteMessage({ id: sent[3]!.id });
      assert.equal(await unread(), 1);
      // Writing marks everything before one's own message read.
      await send(a.client, conversation.id, 'u4');
      assert.equal(await unread(), 2);
      await send(b.client, conversation.id, 'seen it all');
      assert.equal(await unread(), 0);
    });

    it('should only move the read position forward', async () => {
      const { a, b, conversation } = await freshDirect('forward');
      const sent = [];
      for (let i = 0; i < 3; i++) sent.push(await send(a.client, conversation.id, `f${i}`));
      await b.client.MarkRead({ conversationId: conversation.id, cursor: sent[2]!.cursor });
      const back = await b.client.MarkRead({
        conversationId: conversation.id,
        cursor: sent[0]!.cursor,
      });
      assert.equal(back.markRead.unreadCount, 0);
      const me = back.markRead.members.find((m) => m.user.id === b.id)!;
      assert.equal(me.lastReadCursor, sent[2]!.cursor);
      // Concurrent marks settle on the furthest one.
      await Promise.all(
        [...sent]
          .reverse()
          .map((m) => a.client.MarkRead({ conversationId: conversation.id, cursor: m.cursor })),
      );
      const { conversation: seen } = await a.client.Conversation({ id: conversation.id });
      const aMember = seen!.members.find((m) => m.user.id === a.id)!;
      assert.equal(aMember.lastReadCursor, sent[2]!.cursor);
    });

    it('should refuse cursors that are not message cursors of the conversation', async () => {
      const g = await group(cx.ann, [cx.bob]);
      const m = await send(cx.ann.client, g.id, 'one');
      const bad = async (cursor: string) => {
        const e = await expectCode(
          cx.bob.client.MarkRead({ conversationId: g.id, cursor }),
          'BAD_USER_INPUT',
        );
        assert.equal(e.errors[0]?.extensions?.field, 'cursor');
      };
      await bad('');
      await bad('garbage');
      await bad('000000000000');
      await bad('-00000000001');
      await bad(String(Number(m.cursor) + 1).padStart(12, '0'));
      await bad(`${m.cursor}0`);
      const ok = await cx.bob.client.MarkRead({ conversationId: g.id, cursor: m.cursor });
      assert.equal(ok.markRead.unreadCount, 0);
    });
  });
}
