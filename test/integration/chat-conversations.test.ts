import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { chatSuite, cx, freshDirect, group, MISSING_ID, newUser, send } from '../helpers/chat.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`chat conversations (${target.name})`, () => {
    chatSuite(target, 'chat-conversations');

    it('should reuse the DIRECT conversation of two users, whoever starts it', async () => {
      const [a, b] = await Promise.all([newUser('reuse'), newUser('reuse')]);
      const first = (await a.client.StartConversation({ memberIds: [b.id] })).startConversation;
      assert.equal(first.kind, 'DIRECT');
      assert.equal(first.title, null);
      assert.deepEqual(first.members.map((m) => m.user.id).sort(), [a.id, b.id].sort());
      const again = await a.client.StartConversation({ memberIds: [b.id, a.id, b.id] });
      const back = await b.client.StartConversation({ memberIds: [a.id.toUpperCase()] });
      assert.equal(again.startConversation.id, first.id);
      assert.equal(back.startConversation.id, first.id);
    });

    it('should create one DIRECT conversation when both users start it at the same moment', async () => {
      for (let round = 0; round < 5; round++) {
        const [a, b] = await Promise.all([newUser('race'), newUser('race')]);
        const results = await Promise.all([
          a.client.StartConversation({ memberIds: [b.id] }),
          b.client.StartConversation({ memberIds: [a.id] }),
          a.client.StartConversation({ memberIds: [b.id] }),
        ]);
        const ids = new Set(results.map((r) => r.startConversation.id));
        assert.equal(ids.size, 1);
        const { conversations } = await a.client.Conversations({});
        assert.equal(conversations.edges.length, 1);
      }
    });

    it('should create a GROUP with a title, the viewer included once', async () => {
      const g = await group(cx.ann, [cx.bob, cx.cat, cx.ann], '  Weekend plans ');
      assert.equal(g.kind, 'GROUP');
      assert.equal(g.title, 'Weekend plans');
      assert.deepEqual(
        g.members.map((m) => m.user.id).sort(),
        [cx.ann.id, cx.bob.id, cx.cat.id].sort(),
      );
      assert.ok(g.members.every((m) => m.online === false && m.lastReadCursor === null));
      const other = await group(cx.ann, [cx.bob, cx.cat]);
      assert.notEqual(other.id, g.id, 'groups are never reused');
    });

    it('should refuse bad member lists and titles with BAD_USER_INPUT', async () => {
      const c = cx.ann.client;
      const field = async (p: Promise<unknown>, name: string) =>
        assert.equal((await expectCode(p, 'BAD_USER_INPUT')).errors[0]?.extensions?.field, name);
      await field(c.StartConversation({ memberIds: [] }), 'memberIds');
      await field(c.StartConversation({ memberIds: [cx.ann.id] }), 'memberIds');
      await field(c.StartConversation({ memberIds: [MISSING_ID] }), 'memberIds');
      await field(c.StartConversation({ memberIds: [cx.bob.id, 'not-an-id'] }), 'memberIds');
      await field(c.StartConversation({ memberIds: [cx.bob.id, MISSING_ID] }), 'memberIds');
      await field(
        c.StartConversation({ memberIds: [cx.bob.id, cx.cat.id], title: 'x'.repeat(101) }),
        'title',
      );
      const many = await Promise.all(Array.from({ length: 100 }, () => newUser('crowd')));
      await field(c.StartConversation({ memberIds: many.map((u) => u.id) }), 'memberIds');
      const full = await c.StartConversation({ memberIds: many.slice(0, 99).map((u) => u.id) });
      assert.equal(full.startConversation.members.length, 100);
      const longest = await c.StartConversation({
        memberIds: [cx.bob.id, cx.cat.id],
        title: '🎉'.repeat(100),
      });
      assert.equal(longest.startConversation.title, '🎉'.repeat(100));
    });

    it('should show a conversation to its members only', async () => {
      const g = await group(cx.ann, [cx.bob]);
      const outsider = await newUser('outsider');
      assert.equal((await cx.bob.client.Conversation({ id: g.id })).conversation?.id, g.id);
      assert.equal((await outsider.client.Conversation({ id: g.id })).conversation, null);
      assert.equal((await cx.admin.client.Conversation({ id: g.id })).conversation, null);
      assert.equal((await outsider.client.Conversation({ id: 'nope' })).conversation, null);
      await expectCode(cx.t.client().Conversation({ id: g.id }), 'UNAUTHENTICATED');
      await expectCode(cx.t.client().Conversations({}), 'UNAUTHENTICATED');
      const m = await send(cx.ann.client, g.id, 'members only');
      const c = outsider.client;
      await expectCode(send(c, g.id, 'let me in'), 'NOT_FOUND');
      await expectCode(c.MarkRead({ conversationId: g.id, cursor: m.cursor }), 'NOT_FOUND');
      await expectCode(c.SetTyping({ conversationId: g.id, typing: true }), 'NOT_FOUND');
      await expectCode(c.LeaveConversation({ id: g.id }), 'NOT_FOUND');
      await expectCode(c.EditMessage({ id: m.id, body: 'x' }), 'NOT_FOUND');
      await expectCode(c.DeleteMessage({ id: m.id }), 'NOT_FOUND');
      await expectCode(c.React({ messageId: m.id, emoji: '👍' }), 'NOT_FOUND');
      await expectCode(c.LeaveConversation({ id: MISSING_ID }), 'NOT_FOUND');
    });

    it('should take a member out when they leave, and back in a DIRECT they start again', async () => {
      const g = await group(cx.ann, [cx.bob, cx.cat]);
      assert.equal((await cx.cat.client.LeaveConversation({ id: g.id })).leaveConversation, g.id);
      assert.equal((await cx.cat.client.Conversation({ id: g.id })).conversation, null);
      await expectCode(send(cx.cat.client, g.id, 'still here?'), 'NOT_FOUND');
      const seen = (await cx.ann.client.Conversation({ id: g.id })).conversation!;
      assert.deepEqual(seen.members.map((m) => m.user.id).sort(), [cx.ann.id, cx.bob.id].sort());

      const { a, b, conversation } = await freshDirect('leave');
      await b.client.LeaveConversation({ id: conversation.id });
      assert.equal((await b.client.Conversations({})).conversations.edges.length, 0);
      const again = await a.client.StartConversation({ memberIds: [b.id] });
      assert.equal(again.startConversation.id, conversation.id);
      assert.equal((await b.client.Conversations({})).conversations.edges.length, 1);
    });

    it('should list conversations by latest activity with cursors that continue exactly', async () => {
      const me = await newUser('lister');
      const peers = await Promise.all([1, 2, 3, 4, 5].map(() => newUser('peer')));
      const ids: string[] = [];
      for (const p of peers) {
        ids.push((await me.client.StartConversation({ memberIds: [p.id] })).startConversation.id);
      }
      // Newest first: the last started, then a message moves the first to the top.
      await send(peers[0]!.client, ids[0]!, 'bump');
      const expected = [ids[0], ids[4], ids[3], ids[2], ids[1]];
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const { conversations }: Awaited<ReturnType<typeof me.client.Conversations>> =
          await me.client.Conversations({ first: 2, after });
        seen.push(...conversations.edges.map((e) => e.node.id));
        assert.equal(conversations.pageInfo.hasPreviousPage, after !== null);
        if (!conversations.pageInfo.hasNextPage) break;
        after = conversations.pageInfo.endCursor;
      }
      assert.deepEqual(seen, expected);
      const top = (await me.client.Conversations({ first: 1 })).conversations.edges[0]!.node;
      assert.equal(top.lastMessage?.body, 'bump');
      assert.equal(top.unreadCount, 1);
      await expectCode(me.client.Conversations({ after: 'garbage' }), 'BAD_USER_INPUT');
      await expectCode(me.client.Conversations({ first: 101 }), 'BAD_USER_INPUT');
    });

    it('should list a page with a fixed number of SQL statements, whatever its length', async () => {
      const me = await newUser('counted');
      const peers = await Promise.all(Array.from({ length: 12 }, () => newUser('cpeer')));
      for (const p of peers) {
        const { startConversation } = await p.client.StartConversation({ memberIds: [me.id] });
        const m = await send(p.client, startConversation.id, `hi from ${p.id}`);
        await p.client.React({ messageId: m.id, emoji: '👋' });
      }
      const query = `query($first: Int) { conversations(first: $first) { edges { node {
        id unreadCount members { user { handle } lastReadCursor }
        lastMessage { body cursor author { handle } reactions { emoji count viewerReacted } }
      } } } }`;
      const measure = async (first: number) => {
        cx.t.queries.length = 0;
        const response = await fetch(cx.t.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${me.token}` },
          body: JSON.stringify({ query, variables: { first } }),
        });
        const body = (await response.json()) as {
          data: { conversations: { edges: { node: { unreadCount: number } }[] } };
          errors?: unknown;
        };
        assert.equal(body.errors, undefined, JSON.stringify(body.errors));
        assert.equal(body.data.conversations.edges.length, first);
        assert.ok(body.data.conversations.edges.every((e) => e.node.unreadCount === 1));
        return cx.t.queries.length;
      };
      const short = await measure(2);
      const long = await measure(12);
      // An N+1 would add one statement per extra item (10 here).
      assert.equal(long, short, `2 conversations: ${short} statements, 12: ${long}`);
    });

    it('should page messages with a fixed number of SQL statements, whatever its length', async () => {
      const members = await Promise.all([1, 2, 3].map(() => newUser('mpeer')));
      const g = await group(members[0]!, members.slice(1));
      let previous: string | undefined;
      for (let i = 0; i < 12; i++) {
        const author = members[i % 3]!;
        const m = await send(author.client, g.id, `m${i}`, previous ? { replyToId: previous } : {});
        await members[(i + 1) % 3]!.client.React({ messageId: m.id, emoji: '🔥' });
        previous = m.id;
      }
      const query = `query($id: ID!, $last: Int) { conversation(id: $id) { messages(last: $last) {
        edges { node { body author { handle } replyTo { body author { handle } }
          reactions { emoji count viewerReacted } } } } } }`;
      const measure = async (last: number) => {
        cx.t.queries.length = 0;
        const response = await fetch(cx.t.server.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${members[0]!.token}`,
          },
          body: JSON.stringify({ query, variables: { id: g.id, last } }),
        });
        const body = (await response.json()) as {
          data: { conversation: { messages: { edges: { node: { replyTo: unknown } }[] } } };
          errors?: unknown;
        };
        assert.equal(body.errors, undefined, JSON.stringify(body.errors));
        const edges = body.data.conversation.messages.edges;
        assert.equal(edges.length, last);
        assert.ok(edges.slice(1).every((e) => e.node.replyTo));
        return cx.t.queries.length;
      };
      const short = await measure(2);
      const long = await measure(12);
      // An N+1 would add one statement per extra item (10 here).
      assert.equal(long, short, `2 messages: ${short} statements, 12: ${long}`);
    });
  });
}
