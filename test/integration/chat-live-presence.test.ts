import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import { chatSuite, cx, freshDirect } from '../helpers/chat.js';
import { targets } from '../helpers/targets.js';
import { connect, Stream } from '../helpers/ws.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// Typing (with its expiry) and presence (per graphql-ws connection), on one process.

const guard = { timeout: 30_000 };
const FAST = {
  CHAT_TYPING_TTL_MS: '150',
  CHAT_PRESENCE_TTL_MS: '2000',
  CHAT_PRESENCE_HEARTBEAT_MS: '200',
};

for (const target of targets()) {
  describe(`chat typing and presence (${target.name})`, () => {
    chatSuite(target, 'chat-live-presence', FAST);

    const ready = (conversationId: string) =>
      waitForSubscribers(cx.t.server, CHAT_EVENTS, conversationId);

    it('should publish typing, and turn it off on its own unless renewed', guard, async () => {
      const { a, b, conversation } = await freshDirect('typing');
      const stream = new Stream(a.client.ChatEvents({ conversationId: conversation.id }));
      await ready(conversation.id);

      assert.equal(
        (await b.client.SetTyping({ conversationId: conversation.id, typing: true })).setTyping,
        true,
      );
      const on = (await stream.next()).chatEvents;
      assert.deepEqual(on, {
        __typename: 'TypingChanged',
        conversationId: conversation.id,
        typing: true,
        user: { id: b.id, handle: on.__typename === 'TypingChanged' ? on.user.handle : '' },
      });
      const off = (await stream.next()).chatEvents;
      assert.ok(off.__typename === 'TypingChanged');
      assert.equal(off.typing, false);
      assert.equal(off.user.id, b.id);

      await b.client.SetTyping({ conversationId: conversation.id, typing: true });
      await b.client.SetTyping({ conversationId: conversation.id, typing: false });
      const seen = [(await stream.next()).chatEvents, (await stream.next()).chatEvents];
      assert.deepEqual(
        seen.map((e) => (e.__typename === 'TypingChanged' ? e.typing : e.__typename)),
        [true, false],
      );
      await stream.return();
    });

    it(
      'should report a member online while they hold a connection, on transitions only',
      guard,
      async () => {
        const { a, b, conversation } = await freshDirect('presence');
        const stream = new Stream(a.client.ChatEvents({ conversationId: conversation.id }));
        await ready(conversation.id);
        const online = async () => {
          const { conversation: c } = await a.client.Conversation({ id: conversation.id });
          return Object.fromEntries(c!.members.map((m) => [m.user.id, m.online]));
        };
        assert.deepEqual(await online(), { [a.id]: true, [b.id]: false });

        const auth = { authorization: `Bearer ${b.token}` };
        const first = connect(cx.t.server.wsUrl, auth);
        await first.connected;
        const second = connect(cx.t.server.wsUrl, auth);
        await second.connected;
        const came = (await stream.next()).chatEvents;
        assert.ok(came.__typename === 'PresenceChanged');
        assert.deepEqual(
          { conversationId: came.conversationId, user: came.user.id, online: came.online },
          { conversationId: conversation.id, user: b.id, online: true },
        );
        assert.deepEqual(await online(), { [a.id]: true, [b.id]: true });
        // A second connection was no transition: the next event is the message.
        const { sendMessage } = await a.client.SendMessage({
          input: { conversationId: conversation.id, body: 'still there?' },
        });
        const message = (await stream.next()).chatEvents;
        assert.ok(message.__typename === 'MessagePosted');
        assert.equal(message.message.id, sendMessage.id);

        await first.close();
        await second.close();
        const went = (await stream.next()).chatEvents;
        assert.ok(went.__typename === 'PresenceChanged');
        assert.equal(went.user.id, b.id);
        assert.equal(went.online, false);
        assert.deepEqual(await online(), { [a.id]: true, [b.id]: false });
        await stream.return();
      },
    );

    it('should not count an anonymous or refused connection', guard, async () => {
      const { a, conversation } = await freshDirect('anon');
      const anon = connect(cx.t.server.wsUrl);
      await anon.connected;
      const refused = connect(cx.t.server.wsUrl, { authorization: 'Bearer nope' });
      assert.equal(await refused.closed, 4403);
      const { conversation: c } = await a.client.Conversation({ id: conversation.id });
      assert.deepEqual(
        c!.members.map((m) => m.online),
        [false, false],
      );
      await anon.close();
    });
  });
}
