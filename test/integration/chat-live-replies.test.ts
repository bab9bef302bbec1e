import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ExecutionResult } from 'graphql';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import { chatSuite, cx, group, newUser, send, type Signed } from '../helpers/chat.js';
import { targets } from '../helpers/targets.js';
import { connect, Stream, type Connection } from '../helpers/ws.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// `replyTo` of a message in a live event: it travels in the event, as the message does, so
// resolving it costs no query per subscriber, and it reads as a query would show it.

const guard = { timeout: 30_000 };

/** Every field of the replied-to message. */
const REPLIED = `id conversationId cursor body createdAt editedAt deletedAt
  author { id handle } reactions { emoji count viewerReacted }`;
/** With the message that one replies to in turn, which the event does not carry. */
const EVENTS = `subscription($id: ID!) { chatEvents(conversationId: $id) {
  __typename ... on MessagePosted { message { id replyTo { ${REPLIED} replyTo { id body } } } }
} }`;
const HISTORY = `query($id: ID!) { conversation(id: $id) { messages(last: 100) { edges { node {
  id replyTo { ${REPLIED} replyTo { id body } }
} } } } }`;
/** What statement counts are measured on: the replied-to message, carried by the event. */
const COUNTED = `subscription($id: ID!) { chatEvents(conversationId: $id) {
  __typename ... on MessagePosted { message { id body replyTo { ${REPLIED} } } }
} }`;

interface Posted {
  id: string;
  replyTo: Record<string, unknown> | null;
}
type Event = { chatEvents: { __typename: string; message?: Posted } };

for (const target of targets()) {
  describe(`chat replies in live events (${target.name})`, () => {
    const connections: Connection[] = [];
    // Registered first, so it runs before the suite's after() closes the server.
    after(() => Promise.all(connections.map((c) => c.close())));
    chatSuite(target, 'chat-live-replies');

    /** A graphql-ws connection of `who`, open and acknowledged (presence announced). */
    async function connectAs(who: Signed): Promise<Connection> {
      const connection = connect(cx.t.server.wsUrl, { authorization: `Bearer ${who.token}` });
      connections.push(connection);
      await connection.connected;
      return connection;
    }

    function subscribe(connection: Connection, query: string, id: string): Stream<Event> {
      const results = connection.client.iterate<Event>({ query, variables: { id } });
      return new Stream(
        (async function* () {
          for await (const r of results as AsyncIterable<ExecutionResult<Event>>) {
            assert.equal(r.errors, undefined, JSON.stringify(r.errors));
            yield r.data!;
          }
        })(),
      );
    }

    /** The next new message of the stream (reactions, edits and presence are skipped). */
    async function nextPosted(stream: Stream<Event>): Promise<Posted> {
      for (;;) {
        const { chatEvents } = await stream.next();
        if (chatEvents.__typename === 'MessagePosted') return chatEvents.message!;
      }
    }

    /** The message as `who` reads it over HTTP, with the same selection. */
    async function asQueried(who: Signed, conversationId: string, id: string) {
      const response = await fetch(cx.t.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
        body: JSON.stringify({ query: HISTORY, variables: { id: conversationId } }),
      });
      const body = (await response.json()) as {
        data: { conversation: { messages: { edges: { node: Posted }[] } } };
      };
      const found = body.data.conversation.messages.edges.find((e) => e.node.id === id);
      assert.ok(found, `message ${id} not in the history`);
      return found.node;
    }

    it(
      'should resolve replyTo in live events as a query does, a deleted message included',
      guard,
      async () => {
        const [a, b, c] = await Promise.all([
          newUser('rauthor'),
          newUser('rviewer'),
          newUser('rreplier'),
        ]);
        const g = await group(a, [b, c], 'Replies');
        const original = await send(a.client, g.id, 'the original');
        await a.client.EditMessage({ id: original.id, body: 'the original, edited' });
        await c.client.React({ messageId: original.id, emoji: '👍' });
        await b.client.React({ messageId: original.id, emoji: '🎉' });

        const stream = subscribe(await connectAs(b), EVENTS, g.id);
        await waitForSubscribers(cx.t.server, CHAT_EVENTS, g.id);

        const first = await send(c.client, g.id, 'a reply', { replyToId: original.id });
        const live = await nextPosted(stream);
        assert.equal(live.id, first.id);
        assert.deepEqual(live, await asQueried(b, g.id, first.id));
        assert.equal(live.replyTo?.body, 'the original, edited');
        assert.deepEqual(live.replyTo?.reactions, [
          { emoji: '👍', count: 1, viewerReacted: false },
          { emoji: '🎉', count: 1, viewerReacted: true },
        ]);

        // A reply to a reply: the second level is not in the event; it loads, as stored.
        const nested = await send(a.client, g.id, 'a reply to the reply', {
          replyToId: first.id,
        });
        const second = await nextPosted(stream);
        assert.equal(second.id, nested.id);
        assert.deepEqual(second, await asQueried(b, g.id, nested.id));
        assert.deepEqual(second.replyTo?.replyTo, {
          id: original.id,
          body: 'the original, edited',
        });

        await a.client.DeleteMessage({ id: original.id });
        const late = await send(c.client, g.id, 'a reply to a deleted message', {
          replyToId: original.id,
        });
        const tombstone = await nextPosted(stream);
        assert.equal(tombstone.id, late.id);
        assert.deepEqual(tombstone, await asQueried(b, g.id, late.id));
        assert.equal(tombstone.replyTo?.body, null);
        assert.ok(tombstone.replyTo?.deletedAt);
        assert.deepEqual(tombstone.replyTo?.reactions, []);
        await stream.return();
      },
    );

    it(
      'should resolve replyTo in live events without a SQL statement per subscriber',
      guard,
      async () => {
        // The viewer is neither author: their own user row would be loaded for its email.
        const [a, b, c] = await Promise.all([
          newUser('cauthor'),
          newUser('cviewer'),
          newUser('creply'),
        ]);
        const g = await group(a, [b, c], 'Counted replies');
        const original = await send(a.client, g.id, 'count on me');
        await c.client.React({ messageId: original.id, emoji: '👀' });
        const connection = await connectAs(b);

        const streams: Stream<Event>[] = [];
        const measure = async (subscribers: number) => {
          while (streams.length < subscribers) streams.push(subscribe(connection, COUNTED, g.id));
          await waitForSubscribers(cx.t.server, CHAT_EVENTS, g.id, subscribers);
          // A subscription has finished its own reads once it has delivered an event.
          const warmUp = await send(a.client, g.id, 'warm-up');
          for (const s of streams) assert.equal((await nextPosted(s)).id, warmUp.id);
          cx.t.queries.length = 0;
          const reply = await send(c.client, g.id, 'a reply', { replyToId: original.id });
          const seen = await Promise.all(streams.map(nextPosted));
          const statements = cx.t.queries.length;
          for (const m of seen) {
            assert.equal(m.id, reply.id);
            assert.equal(m.replyTo?.body, 'count on me');
            assert.deepEqual(m.replyTo?.author, original.author);
          }
          return { statements, sql: cx.t.queries.join('\n') };
        };
        const one = await measure(1);
        const four = await measure(4);
        assert.ok(one.statements > 0, 'sending costs statements');
        assert.equal(
          four.statements,
          one.statements,
          `1 subscriber:\n${one.sql}\n\n4 subscribers:\n${four.sql}`,
        );
        await Promise.all(streams.map((s) => s.return()));
      },
    );
  });
}
