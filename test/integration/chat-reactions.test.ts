import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { chatSuite, cx, freshDirect, group, MISSING_ID, send } from '../helpers/chat.js';
import { targets } from '../helpers/targets.js';

const TWENTY = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];

for (const target of targets()) {
  describe(`chat reactions and blocking (${target.name})`, () => {
    chatSuite(target, 'chat-reactions');

    it('should toggle one emoji per user and count them per emoji', async () => {
      const g = await group(cx.ann, [cx.bob, cx.cat]);
      const m = await send(cx.ann.client, g.id, 'react to me');
      const on = await cx.bob.client.React({ messageId: m.id, emoji: '👍' });
      assert.deepEqual(on.react.reactions, [{ emoji: '👍', count: 1, viewerReacted: true }]);
      await cx.cat.client.React({ messageId: m.id, emoji: '👍' });
      await cx.cat.client.React({ messageId: m.id, emoji: '❤️' });
      const seen = (await cx.ann.client.Conversation({ id: g.id })).conversation!.lastMessage!;
      assert.deepEqual(seen.reactions, [
        { emoji: '👍', count: 2, viewerReacted: false },
        { emoji: '❤️', count: 1, viewerReacted: false },
      ]);
      const off = await cx.bob.client.React({ messageId: m.id, emoji: '👍' });
      assert.deepEqual(off.react.reactions, [
        { emoji: '👍', count: 1, viewerReacted: false },
        { emoji: '❤️', count: 1, viewerReacted: false },
      ]);
      for (const emoji of ['👍🏽', '👩‍💻', '🇫🇷', '🏳️‍🌈']) {
        const r = await cx.ann.client.React({ messageId: m.id, emoji });
        assert.ok(
          r.react.reactions.some((x) => x.emoji === emoji && x.viewerReacted),
          emoji,
        );
      }
    });

    it('should refuse anything but a single emoji, and a 21st distinct emoji', async () => {
      const g = await group(cx.ann, [cx.bob]);
      const m = await send(cx.ann.client, g.id, 'limits');
      for (const emoji of ['', 'a', ':)', '👍👍', '👍 ', 'x👍', '1', '#', '\u200D']) {
        const e = await expectCode(
          cx.bob.client.React({ messageId: m.id, emoji }),
          'BAD_USER_INPUT',
        );
        assert.equal(e.errors[0]?.extensions?.field, 'emoji', JSON.stringify(emoji));
      }
      for (const emoji of TWENTY) await cx.bob.client.React({ messageId: m.id, emoji });
      const e = await expectCode(
        cx.ann.client.React({ messageId: m.id, emoji: '🚀' }),
        'BAD_USER_INPUT',
      );
      assert.equal(e.errors[0]?.extensions?.field, 'emoji');
      // An emoji already on the message can still be added by someone else.
      const more = await cx.ann.client.React({ messageId: m.id, emoji: TWENTY[0]! });
      assert.equal(more.react.reactions.length, 20);
      assert.equal(more.react.reactions[0]!.count, 2);
      await expectCode(cx.ann.client.React({ messageId: MISSING_ID, emoji: '👍' }), 'NOT_FOUND');
    });

    it('should stop a blocked user from starting or writing to a DIRECT with the blocker', async () => {
      const { a, b, conversation } = await freshDirect('block');
      await send(b.client, conversation.id, 'before the block');
      const { blockUser } = await a.client.BlockUser({ userId: b.id });
      assert.equal(blockUser.id, b.id);
      await a.client.BlockUser({ userId: b.id });
      await expectCode(send(b.client, conversation.id, 'after'), 'FORBIDDEN');
      await expectCode(b.client.StartConversation({ memberIds: [a.id] }), 'FORBIDDEN');
      // The blocker still can. A group the blocker made stays open to the blocked, who may not
      // put the blocker in one (chat-blocking.test.ts has the rest).
      await send(a.client, conversation.id, 'I can still write');
      await expectCode(group(b, [a, cx.cat]), 'FORBIDDEN');
      const g = await group(a, [b, cx.cat]);
      await send(b.client, g.id, 'a group is fine');

      const { unblockUser } = await a.client.UnblockUser({ userId: b.id });
      assert.equal(unblockUser.id, b.id);
      await send(b.client, conversation.id, 'after the unblock');
      const again = await b.client.StartConversation({ memberIds: [a.id] });
      assert.equal(again.startConversation.id, conversation.id);

      await expectCode(a.client.BlockUser({ userId: a.id }), 'BAD_USER_INPUT');
      await expectCode(a.client.BlockUser({ userId: MISSING_ID }), 'NOT_FOUND');
      await expectCode(a.client.UnblockUser({ userId: 'nope' }), 'NOT_FOUND');
      await expectCode(cx.t.client().BlockUser({ userId: a.id }), 'UNAUTHENTICATED');
    });
  });
}
