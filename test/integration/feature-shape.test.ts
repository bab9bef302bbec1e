import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { chatSuite, cx, freshDirect, group, send } from '../helpers/chat.js';
import { PASSWORD } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

const reason = (e: { errors: readonly { extensions?: Record<string, unknown> }[] }) =>
  e.errors[0]?.extensions?.reason;

// Emojis 1 to 30, all distinct: more than the cap of 20 per message.
const EMOJIS = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩🤔🤨😐😑😶🙄😏😣😥'];

for (const target of targets()) {
  describe(`one write path and coded errors (${target.name})`, () => {
    chatSuite(target, 'feature-shape');

    it('should hold the 20-emoji cap when 30 distinct reactions race', async () => {
      const members = await Promise.all(
        Array.from({ length: 3 }, (_, i) => cx.t.user(`racer${i}`)),
      );
      const g = await group(cx.ann, members);
      const m = await send(cx.ann.client, g.id, 'race for reactions');
      // Every reaction in flight at once, spread over several users and sockets.
      const outcomes = await Promise.allSettled(
        EMOJIS.map((emoji, i) =>
          members[i % members.length]!.client.React({ messageId: m.id, emoji }),
        ),
      );
      const refused = outcomes.filter((o) => o.status === 'rejected');
      for (const o of refused) {
        const e = (o as PromiseRejectedResult).reason as { code?: string; errors: never[] };
        assert.equal(e.code, 'BAD_USER_INPUT');
        assert.equal(reason(e), 'EMOJI_LIMIT');
      }
      const seen = (await cx.ann.client.Conversation({ id: g.id })).conversation!.lastMessage!;
      assert.equal(seen.reactions.length, 20);
      assert.equal(outcomes.length - refused.length, 20);
    });

    it('should give every refusal a stable reason beside its code', async () => {
      const { a, b, conversation } = await freshDirect('reason');
      await b.client.BlockUser({ userId: a.id });
      const blocked = await expectCode(
        a.client.SendMessage({ input: { conversationId: conversation.id, body: 'hi' } }),
        'FORBIDDEN',
      );
      assert.equal(reason(blocked), 'BLOCKED');

      const m = await send(cx.ann.client, (await group(cx.ann, [cx.bob])).id, 'mine');
      const notAuthor = await expectCode(
        cx.bob.client.EditMessage({ id: m.id, body: 'yours?' }),
        'FORBIDDEN',
      );
      assert.equal(reason(notAuthor), 'NOT_MESSAGE_AUTHOR');

      const taken = await expectCode(
        cx.t.client().SignUp({
          input: {
            email: cx.ann.email,
            password: PASSWORD,
            handle: 'someone_new',
            displayName: 'x',
          },
        }),
        'CONFLICT',
      );
      assert.equal(reason(taken), 'SIGN_UP_REFUSED');

      const anonymous = await expectCode(
        cx.t.client().StartConversation({ memberIds: [cx.bob.id] }),
        'UNAUTHENTICATED',
      );
      assert.equal(reason(anonymous), 'SIGN_IN_REQUIRED');

      const wrong = await expectCode(
        cx.t.client().LogIn({ input: { email: cx.ann.email, password: 'not the password' } }),
        'UNAUTHENTICATED',
      );
      assert.equal(reason(wrong), 'WRONG_CREDENTIALS');

      const missing = await expectCode(
        cx.ann.client.MarkRead({
          conversationId: '00000000-0000-4000-8000-000000000000',
          cursor: 'x',
        }),
        'NOT_FOUND',
      );
      assert.equal(reason(missing), 'CONVERSATION_NOT_FOUND');
    });
  });
}
