import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from '../../src/modules/content/index.js';
import { loadConfig } from '../../src/config.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { expectCode } from '../helpers/errors.js';
import { draftTitled as draft, publishedTitled as published } from '../helpers/content.js';
import { targets } from '../helpers/targets.js';
import { connect, freePort, Stream } from '../helpers/ws.js';
import { waitForSubscribers, waitForSubscribersAtMost } from '../helpers/subscribers.js';

// The graphql-ws plumbing every subscription uses: authentication, caps, unsubscribing,
// Redis outages, and delivery across processes.

const COMMENTS = `subscription ($id: ID!) {
  commentAdded(contentId: $id) { id body author { id } }
}`;
/** The default of WS_MAX_SUBSCRIPTIONS_PER_CONNECTION, which these servers run with. */
const MAX = loadConfig({}).wsLimits.subscriptionsPerConnection;
/** A stream that hangs instead of delivering or ending fails the test instead of the run. */
const guard = { timeout: 30_000 };

for (const target of targets()) {
  describe(`graphql-ws connections (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'subs-connection');
    });
    after(() => t.close());

    // ------------------------------------------------------------ connection auth

    it(
      'should take the viewer from connectionParams.authorization, and treat none as anonymous',
      guard,
      async () => {
        const author = await t.user('ws_author');
        const id = await draft(author.client, 'Eyes only');
        const signedIn = connect(t.server.wsUrl, { authorization: `Bearer ${author.token}` });
        const anonymous = connect(t.server.wsUrl);
        await Promise.all([signedIn.connected, anonymous.connected]);

        const refused = new Stream(
          anonymous.client.iterate({ query: COMMENTS, variables: { id } }),
        );
        const { errors } = await refused.next();
        assert.equal(errors?.[0]?.extensions?.code, 'NOT_FOUND');
        await refused.ended();
        const byAuthor = new Stream(
          signedIn.client.iterate({ query: COMMENTS, variables: { id } }),
        );
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 1);

        await author.client.PublishContent({ id });
        const byAnonymous = new Stream(
          anonymous.client.iterate({ query: COMMENTS, variables: { id } }),
        );
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 2);
        const { addComment } = await author.client.AddComment({ contentId: id, body: 'Hi' });
        const expected = {
          commentAdded: { id: addComment.id, body: 'Hi', author: { id: author.id } },
        };
        for (const s of [byAuthor, byAnonymous]) {
          const result = await s.next();
          assert.equal(result.errors, undefined);
          assert.deepEqual(result.data, expected);
        }
        await Promise.all([signedIn.close(), anonymous.close()]);
      },
    );

    it('should close the connection with 4403 for a bad or expired token', guard, async () => {
      const u = await t.user('ws_expired');
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(u.id)
        .setIssuer('marquee')
        .setIssuedAt(now - 7200)
        .setExpirationTime(now - 3600)
        .sign(new TextEncoder().encode(t.config.jwtSecret));
      for (const authorization of ['Bearer garbage', `Bearer ${expired}`, 'Basic abc', 42]) {
        const c = connect(t.server.wsUrl, { authorization });
        const s = new Stream(
          c.client.iterate({ query: 'subscription { contentPublished { id } }' }),
        );
        assert.equal(await c.closed, 4403, String(authorization));
        // The pending subscription fails with the connection instead of hanging.
        await assert.rejects(s.next());
        await c.close();
      }
    });

    // ------------------------------------------------------------ per-connection cap

    it(
      `should allow ${MAX} subscriptions per connection, refuse one more with RATE_LIMITED, and free a slot when one completes`,
      guard,
      async () => {
        const author = await t.user('cap_author');
        const id = await published(author.client, 'Crowded');
        const other = await published(author.client, 'Elsewhere');
        const fan = t.client();
        const streams = Array.from(
          { length: MAX },
          () => new Stream(fan.CommentAdded({ contentId: id })),
        );
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, MAX);
        const refused = await expectCode(
          new Stream(fan.CommentAdded({ contentId: other })).next(),
          'RATE_LIMITED',
        );
        assert.equal(refused.errors[0]?.extensions?.reason, 'TOO_MANY_REQUESTS');

        // The cap is per connection: another client still subscribes.
        const neighbour = t.client();
        const neighbours = new Stream(neighbour.CommentAdded({ contentId: other }));
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, other, 1);

        // Complete one (between events, as breaking out of a loop does) and subscribe again
        // at once: the server must count the slot as free as soon as the client completes.
        const { addComment: one } = await author.client.AddComment({ contentId: id, body: '1' });
        const [first] = streams;
        assert.equal((await first.next()).commentAdded.id, one.id);
        await first.return();
        const again = new Stream(fan.CommentAdded({ contentId: other })).next();
        await Promise.race([waitForSubscribers(t.server, CONTENT_ACTIVITY, other, 2), again]);
        const { addComment: two } = await author.client.AddComment({ contentId: other, body: '2' });
        assert.equal((await again).commentAdded.id, two.id);
        assert.equal((await neighbours.next()).commentAdded.id, two.id);
        await expectCode(new Stream(fan.CommentAdded({ contentId: other })).next(), 'RATE_LIMITED');
        await Promise.all([fan.close(), neighbour.close()]);
      },
    );

    // ------------------------------------------------------------ unsubscribing

    it(
      'should release the listener as soon as the client breaks out of its loop',
      guard,
      async () => {
        const author = await t.user('break_author');
        const id = await published(author.client, 'Just one');
        const fan = t.client();
        const ready = waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 1);
        const received: string[] = [];
        const loop = (async () => {
          for await (const { commentAdded } of fan.CommentAdded({ contentId: id })) {
            received.push(commentAdded.id);
            break;
          }
        })();
        await ready;
        const { addComment } = await author.client.AddComment({ contentId: id, body: 'Enough' });
        await loop;
        assert.deepEqual(received, [addComment.id]);
        // No further event is published: the listener must go without one.
        await waitForSubscribersAtMost(t.server, CONTENT_ACTIVITY, id, 0);
        await fan.close();
      },
    );

    it(
      'should release the listener at once when a subscription waiting for an event is completed',
      guard,
      async () => {
        const author = await t.user('complete_author');
        const id = await published(author.client, 'Nothing yet');
        const c = connect(t.server.wsUrl);
        const events = c.client.iterate({ query: COMMENTS, variables: { id } });
        void events.next();
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 1);
        await events.return?.();
        await waitForSubscribersAtMost(t.server, CONTENT_ACTIVITY, id, 0);
        await c.close();
      },
    );

    it(
      'should release the listener at once when an SDK subscription waiting for an event returns',
      guard,
      async () => {
        const author = await t.user('sdk_return_author');
        const id = await published(author.client, 'Quiet');
        const fan = t.client();
        const iterator = fan.CommentAdded({ contentId: id })[Symbol.asyncIterator]();
        const pending = iterator.next();
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 1);
        await iterator.return?.();
        await waitForSubscribersAtMost(t.server, CONTENT_ACTIVITY, id, 0);
        assert.deepEqual(await pending, { value: undefined, done: true });
        await fan.close();
      },
    );

    it('should release every listener of a connection the client disposes', guard, async () => {
      const author = await t.user('dispose_author');
      const id = await published(author.client, 'Left open');
      const before = t.server.pubsub.subscriberCount(CONTENT_PUBLISHED);
      const fan = t.client();
      const streams = [
        new Stream(fan.CommentAdded({ contentId: id })),
        new Stream(fan.ContentPublished()),
      ];
      await Promise.all([
        waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 1),
        waitForSubscribers(t.server, CONTENT_PUBLISHED, undefined, before + 1),
      ]);
      await fan.close();
      await Promise.all([
        waitForSubscribersAtMost(t.server, CONTENT_ACTIVITY, id, 0),
        waitForSubscribersAtMost(t.server, CONTENT_PUBLISHED, undefined, before),
        ...streams.map((s) => s.ended()),
      ]);
    });

    // ------------------------------------------------------------ Redis outage

    it(
      'should answer requests and shut down while Redis is unreachable, losing only events',
      guard,
      async () => {
        const down = await bootServer(target, 'subscriptions_down', {
          env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
        });
        try {
          const author = await down.user('outage_author');
          // Publishing announces the content: the failed publish is logged, the write stands.
          const id = await published(author.client, 'During the outage');
          assert.equal((await author.client.Content({ id })).content?.status, 'PUBLISHED');
          const ready = await fetch(new URL('/readyz', down.server.url));
          assert.equal(ready.status, 503);
          assert.deepEqual(await ready.json(), {
            status: 'unavailable',
            database: 'ok',
            redis: 'down',
          });

          // A subscription made now waits for Redis, its SUBSCRIBE queued. An anonymous one
          // gets there without I/O, so by the time a query sent after it on the same socket
          // is answered from the database, it is queued. Shutting down must not wait on it.
          const c = connect(down.server.wsUrl);
          const waiting = new Stream(c.client.iterate({ query: COMMENTS, variables: { id } }));
          const answered = new Stream(
            c.client.iterate({
              query: 'query ($id: ID!) { content(id: $id) { id } }',
              variables: { id },
            }),
          );
          assert.deepEqual((await answered.next()).data, { content: { id } });
          await down.server.close();
          assert.equal(await c.closed, 1001);
          await assert.rejects(waiting.next());
        } finally {
          await down.close();
        }
      },
    );

    // ------------------------------------------------------------ across processes

    it(
      'should deliver events published through another process',
      { ...guard, skip: target.name !== 'postgresql+redis' && 'needs Redis' },
      async () => {
        const b = await bootServer(target, 'subscriptions_b', { storage: t.storage });
        try {
          const author = await t.user('across_author');
          const reader = await t.user('across_reader');
          const id = await published(author.client, 'Everywhere');
          const watcher = b.client(reader.token);
          const comments = new Stream(watcher.CommentAdded({ contentId: id }));
          const posts = new Stream(watcher.ContentPublished({ authorId: author.id }));
          await Promise.all([
            waitForSubscribers(b.server, CONTENT_ACTIVITY, id, 1),
            waitForSubscribers(b.server, CONTENT_PUBLISHED, undefined, 1),
          ]);
          // Only B listens, through Redis, on the prefixed channel.
          assert.equal(t.server.pubsub.subscriberCount(CONTENT_ACTIVITY, id), 0);
          const redis = new Redis(t.config.redisUrl!);
          try {
            const channel = `${t.config.redisPrefix}${CONTENT_ACTIVITY}:${id}`;
            const numsub = (await redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
            assert.deepEqual(numsub, [channel, 1]);
          } finally {
            redis.disconnect();
          }

          const { addComment } = await author.client.AddComment({ contentId: id, body: 'Hello B' });
          const { commentAdded } = await comments.next();
          assert.equal(commentAdded.id, addComment.id);
          assert.equal(commentAdded.author.handle, 'across_author');
          const next = await published(author.client, 'Everywhere, again');
          const { contentPublished } = await posts.next();
          assert.equal(contentPublished.id, next);
          assert.equal(contentPublished.author.id, author.id);
        } finally {
          await b.close();
        }
      },
    );
  });
}
