import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client as WsClient, FormattedExecutionResult } from 'graphql-ws';
import { CHAT_EVENTS } from '../../src/modules/chat/index.js';
import { CONTENT_ACTIVITY } from '../../src/modules/content/index.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { publishedTitled as published } from '../helpers/content.js';
import { targets } from '../helpers/targets.js';
import { connect, type Connection } from '../helpers/ws.js';
import { waitForSubscribers } from '../helpers/subscribers.js';

// Shared fan-out execution (src/infra/shared-execution.ts): subscribers of one event with
// the same operation share one execution and one payload, unless the operation reads
// something whose value depends on the viewer; then only sockets of the same viewer share.
// What every subscriber receives is checked against what it alone may see.

const guard = { timeout: 30_000 };

type Result = FormattedExecutionResult<Record<string, unknown>, unknown>;

/** One subscription of `query` over `connection`, read event by event. */
function subscribe(connection: Connection, query: string, variables: Record<string, unknown>) {
  const results = (connection.client as WsClient).iterate<Record<string, unknown>>({
    query,
    variables,
  });
  const iterator = results[Symbol.asyncIterator]();
  let pending = iterator.next();
  return {
    async next(): Promise<Result> {
      const r = await pending;
      pending = iterator.next();
      if (r.done) throw new Error('the stream ended');
      return r.value;
    },
  };
}

/** The next event about a message (presence comes and goes as the sockets open). */
async function nextMessageEvent(s: ReturnType<typeof subscribe>): Promise<Result['data']> {
  for (;;) {
    const { data } = await s.next();
    const event = data?.chatEvents as { __typename?: string } | undefined;
    if (event?.__typename !== 'PresenceChanged') return data;
  }
}

const COMMENTS = `subscription($id: ID!) {
  commentAdded(contentId: $id) { id body author { handle } content { id } }
}`;
const COMMENTS_PER_VIEWER = `subscription($id: ID!) {
  commentAdded(contentId: $id) { id content { id viewerHasLiked } }
}`;
const COMMENTS_WITH_EMAIL = `subscription($id: ID!) {
  commentAdded(contentId: $id) { id author { handle email } }
}`;
const CHAT = `subscription($id: ID!) {
  chatEvents(conversationId: $id) {
    __typename
    ... on MessagePosted { message { id body reactions { emoji count viewerReacted } } }
    ... on MessageUpdated { message { id body reactions { emoji count viewerReacted } } }
  }
}`;

for (const target of targets()) {
  describe(`shared subscription executions (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'subs-shared', {
        env: { SCHEDULER_INTERVAL_MS: '86400000' },
      });
    });
    after(() => t.close());

    const open = (token?: string) =>
      connect(t.server.wsUrl, token ? { authorization: `Bearer ${token}` } : undefined);
    const counts = () => t.server.sharedExecutions();

    it(
      'should execute a viewer-independent comment once for every subscriber, anonymous or not',
      guard,
      async () => {
        const author = await t.user('shared_author');
        const [bea, cy] = [await t.user('shared_bea'), await t.user('shared_cy')];
        const contentId = await published(author.client, 'Shared comments');
        const sockets = [open(), open(bea.token), open(cy.token), open(cy.token)];
        const streams = sockets.map((s) => subscribe(s, COMMENTS, { id: contentId }));
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, contentId, streams.length);
        const before = counts();

        const { addComment } = await bea.client.AddComment({ contentId, body: 'Hello, all' });
        const expected = {
          commentAdded: {
            id: addComment.id,
            body: 'Hello, all',
            author: { handle: 'shared_bea' },
            content: { id: contentId },
          },
        };
        for (const s of streams) assert.deepEqual(await s.next(), { data: expected });
        const now = counts();
        // Signed-in subscribers (role USER) form one group, the anonymous one another.
        assert.equal(now.executed - before.executed, 2);
        assert.equal(now.reused - before.reused, 2);
        await Promise.all(sockets.map((s) => s.close()));
      },
    );

    it(
      'should give each viewer its own viewerHasLiked and email on one comment event',
      guard,
      async () => {
        const author = await t.user('own_author');
        const [fan, other] = [await t.user('own_fan'), await t.user('own_other')];
        const contentId = await published(author.client, 'Liked by one');
        await fan.client.LikeContent({ id: contentId });
        const fanSockets = [open(fan.token), open(fan.token)];
        const otherSocket = open(other.token);
        const liked = fanSockets.map((s) => subscribe(s, COMMENTS_PER_VIEWER, { id: contentId }));
        const notLiked = subscribe(otherSocket, COMMENTS_PER_VIEWER, { id: contentId });
        const fanEmail = subscribe(fanSockets[0]!, COMMENTS_WITH_EMAIL, { id: contentId });
        const otherEmail = subscribe(otherSocket, COMMENTS_WITH_EMAIL, { id: contentId });
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, contentId, 5);
        const before = counts();

        const { addComment } = await fan.client.AddComment({ contentId, body: 'Mine' });
        const id = addComment.id;
        for (const s of liked) {
          assert.deepEqual((await s.next()).data, {
            commentAdded: { id, content: { id: contentId, viewerHasLiked: true } },
          });
        }
        assert.deepEqual((await notLiked.next()).data, {
          commentAdded: { id, content: { id: contentId, viewerHasLiked: false } },
        });
        assert.deepEqual((await fanEmail.next()).data, {
          commentAdded: { id, author: { handle: 'own_fan', email: fan.email } },
        });
        // Another viewer may not read the commenter's email: refused, never someone's copy.
        const refused = await otherEmail.next();
        assert.deepEqual(refused.data, {
          commentAdded: { id, author: { handle: 'own_fan', email: null } },
        });
        assert.equal(
          (refused.errors as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions
            ?.code,
          'FORBIDDEN',
        );
        assert.ok(!JSON.stringify(refused).includes(fan.email));
        // The fan's two sockets share; the other viewer and the email operations do not.
        const now = counts();
        assert.equal(now.executed - before.executed, 4);
        assert.equal(now.reused - before.reused, 1);
        await Promise.all([...fanSockets, otherSocket].map((s) => s.close()));
      },
    );

    it(
      "should give each chat member its own viewerReacted, shared only between a member's sockets",
      guard,
      async () => {
        const [ann, ben] = [await t.user('chat_ann'), await t.user('chat_ben')];
        const { startConversation } = await ann.client.StartConversation({
          memberIds: [ben.id],
          title: 'Shared chat',
        });
        const conversationId = startConversation.id;
        const annSockets = [open(ann.token), open(ann.token)];
        const benSocket = open(ben.token);
        const annStreams = annSockets.map((s) => subscribe(s, CHAT, { id: conversationId }));
        const benStream = subscribe(benSocket, CHAT, { id: conversationId });
        await waitForSubscribers(t.server, CHAT_EVENTS, conversationId, 3);

        const { sendMessage } = await ann.client.SendMessage({
          input: { conversationId, body: 'React to this' },
        });
        const posted = {
          chatEvents: {
            __typename: 'MessagePosted',
            message: { id: sendMessage.id, body: 'React to this', reactions: [] },
          },
        };
        for (const s of [...annStreams, benStream])
          assert.deepEqual(await nextMessageEvent(s), posted);

        // A reaction: viewerReacted resolves and differs, so each member executes their own.
        const before = counts();
        await ann.client.React({ messageId: sendMessage.id, emoji: '👍' });
        const updated = (viewerReacted: boolean) => ({
          chatEvents: {
            __typename: 'MessageUpdated',
            message: {
              id: sendMessage.id,
              body: 'React to this',
              reactions: [{ emoji: '👍', count: 1, viewerReacted }],
            },
          },
        });
        for (const s of annStreams) assert.deepEqual(await nextMessageEvent(s), updated(true));
        assert.deepEqual(await nextMessageEvent(benStream), updated(false));
        const now = counts();
        assert.equal(now.executed - before.executed, 2);
        assert.equal(now.reused - before.reused, 1);
        await Promise.all([...annSockets, benSocket].map((s) => s.close()));
      },
    );
  });
}
