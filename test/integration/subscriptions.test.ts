import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from '../../src/modules/content/index.js';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION as MAX } from '../../src/server.js';
import { ADMIN_EMAIL, bootServer, type Client, type TestServer } from '../helpers/server.js';
import { expectCode } from '../helpers/errors.js';
import { targets } from '../helpers/targets.js';
import { connect, freePort, Stream } from '../helpers/ws.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const COMMENTS = `subscription ($id: ID!) {
  commentAdded(contentId: $id) { id body author { id } }
}`;
/** A stream that hangs instead of delivering or ending fails the test instead of the run. */
const guard = { timeout: 30_000 };

for (const target of targets()) {
  describe(`subscriptions (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'subscriptions');
    });
    after(() => t.close());

    async function draft(author: Client, title: string, tags: string[] = []) {
      const { createContent } = await author.CreateContent({
        input: { kind: 'ARTICLE', title, body: `About ${title}.`, tags },
      });
      return createContent.id;
    }

    async function published(author: Client, title: string, tags: string[] = []) {
      const id = await draft(author, title, tags);
      await author.PublishContent({ id });
      return id;
    }

    /** Counts contentPublished subscribers now; the function waits for `n` more than that. */
    function morePublishedSubscribers(n: number) {
      const now = t.server.pubsub.subscriberCount(CONTENT_PUBLISHED);
      return () => t.server.pubsub.waitForSubscribers(CONTENT_PUBLISHED, undefined, now + n);
    }

    // ------------------------------------------------------------ contentPublished

    it(
      'should stream content as it is published to anonymous and signed-in subscribers',
      guard,
      async () => {
        const author = await t.user('pub_author');
        const reader = await t.user('pub_reader');
        const ready = morePublishedSubscribers(3);
        const anon = t.client();
        const streams = [
          new Stream(anon.ContentPublished()),
          new Stream(reader.client.ContentPublished()),
          // The author may read their drafts: an announced draft or edit would reach them.
          new Stream(author.client.ContentPublished()),
        ];
        await ready();

        // A draft, edits and a second publish announce nothing: the first event is the first
        // publication and the second event the next content's.
        const first = await draft(author.client, 'First light', ['Astro']);
        await author.client.UpdateContent({ id: first, input: { title: 'First light, edited' } });
        const { publishContent } = await author.client.PublishContent({ id: first });
        await author.client.UpdateContent({ id: first, input: { body: 'Edited afterwards.' } });
        await author.client.PublishContent({ id: first });
        const second = await published(author.client, 'Second light');

        for (const s of streams) {
          const { contentPublished: c } = await s.next();
          assert.equal(c.id, first);
          assert.equal(c.status, 'PUBLISHED');
          assert.equal(c.title, 'First light, edited');
          assert.equal(c.body, 'About First light.');
          assert.deepEqual(c.tags, ['astro']);
          assert.equal(c.publishedAt, publishContent.publishedAt);
          assert.equal(c.author.id, author.id);
          assert.equal(c.author.handle, 'pub_author');
          assert.equal((await s.next()).contentPublished.id, second);
        }
        await Promise.all([anon.close(), reader.client.close(), author.client.close()]);
      },
    );

    it(
      'should narrow contentPublished to one author and one tag, matching the tag case-insensitively',
      guard,
      async () => {
        const a = await t.user('filter_a');
        const b = await t.user('filter_b');
        const ready = morePublishedSubscribers(3);
        const watcher = t.client();
        const byAuthor = new Stream(watcher.ContentPublished({ authorId: a.id }));
        const byTag = new Stream(watcher.ContentPublished({ tag: 'LiVe' }));
        const byBoth = new Stream(watcher.ContentPublished({ authorId: a.id, tag: 'live' }));
        await ready();

        const bLive = await published(b.client, 'B on stage', ['Live', 'music']);
        const aQuiet = await published(a.client, 'A at home', ['quiet']);
        const aLive = await published(a.client, 'A on stage', ['LIVE']);

        assert.equal((await byAuthor.next()).contentPublished.id, aQuiet);
        assert.equal((await byAuthor.next()).contentPublished.id, aLive);
        assert.equal((await byTag.next()).contentPublished.id, bLive);
        assert.equal((await byTag.next()).contentPublished.id, aLive);
        assert.equal((await byBoth.next()).contentPublished.id, aLive);
        await watcher.close();
      },
    );

    it(
      'should announce scheduled content when the scheduler publishes it, not when it is scheduled',
      guard,
      async () => {
        const author = await t.user('sched_author');
        const ready = morePublishedSubscribers(2);
        const anon = t.client();
        // The author may read SCHEDULED content, so an early announcement would reach them.
        const streams = [
          new Stream(author.client.ContentPublished({ authorId: author.id })),
          new Stream(anon.ContentPublished({ authorId: author.id })),
        ];
        await ready();

        const id = await draft(author.client, 'Later');
        const at = new Date(Date.now() + 1500).toISOString();
        const { publishContent } = await author.client.PublishContent({ id, at });
        assert.equal(publishContent.status, 'SCHEDULED');

        for (const s of streams) {
          const { contentPublished: c } = await s.next();
          assert.equal(c.id, id);
          assert.equal(c.status, 'PUBLISHED');
          assert.equal(c.publishedAt, at);
        }
        assert.equal((await anon.Content({ id })).content?.status, 'PUBLISHED');
        await Promise.all([anon.close(), author.client.close()]);
      },
    );

    it(
      'should deliver published content that resolves its author, counts and viewer',
      guard,
      async () => {
        const author = await t.user('counts_author');
        const fan = await t.user('counts_fan');
        const id = await published(author.client, 'Encore');
        await fan.client.LikeContent({ id });
        await fan.client.AddComment({ contentId: id, body: 'More!' });
        await author.client.ArchiveContent({ id });
        await author.client.UpdateProfile({ input: { displayName: 'The Counts Author' } });

        const ready = morePublishedSubscribers(2);
        const anon = t.client();
        const byFan = new Stream(fan.client.ContentPublished({ authorId: author.id }));
        const byAnon = new Stream(anon.ContentPublished({ authorId: author.id }));
        await ready();
        await author.client.PublishContent({ id });

        const seenByFan = (await byFan.next()).contentPublished;
        const seenByAnon = (await byAnon.next()).contentPublished;
        for (const c of [seenByFan, seenByAnon]) {
          assert.equal(c.id, id);
          assert.equal(c.likeCount, 1);
          assert.equal(c.commentCount, 1);
          assert.equal(c.author.id, author.id);
          assert.equal(c.author.displayName, 'The Counts Author');
        }
        assert.equal(seenByFan.viewerHasLiked, true);
        assert.equal(seenByAnon.viewerHasLiked, false);
        await Promise.all([anon.close(), fan.client.close()]);
      },
    );

    it(
      'should show the author email in events to the user themself only, as queries do',
      guard,
      async () => {
        const author = await t.user('email_author');
        const other = await t.user('email_other');
        const query = `subscription ($author: ID) {
          contentPublished(authorId: $author) { id author { id email } }
        }`;
        const own = connect(t.server.wsUrl, { authorization: `Bearer ${author.token}` });
        const someone = connect(t.server.wsUrl, { authorization: `Bearer ${other.token}` });
        const ready = morePublishedSubscribers(2);
        const streams = [own, someone].map(
          (c) => new Stream(c.client.iterate({ query, variables: { author: author.id } })),
        );
        await ready();
        const id = await published(author.client, 'Signed');

        const [mine, theirs] = await Promise.all(streams.map((s) => s.next()));
        assert.equal(mine?.errors, undefined);
        assert.deepEqual(mine?.data, {
          contentPublished: { id, author: { id: author.id, email: author.email } },
        });
        assert.equal(theirs?.errors?.[0]?.extensions?.code, 'FORBIDDEN');
        assert.deepEqual(theirs?.data, {
          contentPublished: { id, author: { id: author.id, email: null } },
        });
        await Promise.all([own.close(), someone.close()]);
      },
    );

    // ------------------------------------------------------------ commentAdded

    it(
      'should deliver new comments to every subscriber who may read the content',
      guard,
      async () => {
        const author = await t.user('live_author');
        const reader = await t.user('live_reader');
        const commenter = await t.user('live_commenter');
        const id = await published(author.client, 'Live video');
        const anon = t.client();
        const streams = [
          new Stream(anon.CommentAdded({ contentId: id })),
          new Stream(anon.CommentAdded({ contentId: id })),
          new Stream(reader.client.CommentAdded({ contentId: id })),
          new Stream(author.client.CommentAdded({ contentId: id })),
        ];
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, streams.length);

        const first = (await commenter.client.AddComment({ contentId: id, body: 'First!' }))
          .addComment;
        const second = (await commenter.client.AddComment({ contentId: id, body: 'Second.' }))
          .addComment;
        for (const s of streams) {
          for (const expected of [first, second]) {
            const { commentAdded: c } = await s.next();
            assert.equal(c.id, expected.id);
            assert.equal(c.body, expected.body);
            assert.equal(c.createdAt, expected.createdAt);
            assert.equal(c.author.id, commenter.id);
            assert.equal(c.author.handle, 'live_commenter');
            assert.equal(c.content.id, id);
          }
        }
        await Promise.all([anon.close(), reader.client.close(), author.client.close()]);
      },
    );

    it(
      'should refuse commentAdded on an unreadable draft or an unknown id with NOT_FOUND and end the stream',
      guard,
      async () => {
        const author = await t.user('secret_author');
        const other = await t.user('secret_other');
        const id = await draft(author.client, 'Secret draft');
        const anon = t.client();
        const cases: [Client, string][] = [
          [anon, id],
          [other.client, id],
          [anon, UNKNOWN_ID],
          [anon, 'not-an-id'],
        ];
        for (const [client, contentId] of cases) {
          const s = new Stream(client.CommentAdded({ contentId }));
          await expectCode(s.next(), 'NOT_FOUND');
          await s.ended();
        }
        // The listener taken while checking access is given back before the error is sent.
        assert.equal(t.server.pubsub.subscriberCount(CONTENT_ACTIVITY, id), 0);
        assert.equal(t.server.pubsub.subscriberCount(CONTENT_ACTIVITY, UNKNOWN_ID), 0);
      },
    );

    it('should let the author subscribe to comments on their own draft', guard, async () => {
      const author = await t.user('draft_author');
      const reader = await t.user('draft_reader');
      const id = await draft(author.client, 'Work in progress');
      const stream = new Stream(author.client.CommentAdded({ contentId: id }));
      await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 1);

      await author.client.PublishContent({ id });
      const { addComment } = await reader.client.AddComment({ contentId: id, body: 'Nice' });
      assert.equal((await stream.next()).commentAdded.id, addComment.id);
      await author.client.close();
    });

    it(
      'should end the streams of those who may no longer read archived content, and keep the author and staff streams',
      guard,
      async () => {
        const author = await t.user('archive_author');
        const reader = await t.user('archive_reader');
        const admin = await t.user('archive_admin', { email: ADMIN_EMAIL });
        const id = await published(author.client, 'Short-lived');
        const anon = t.client();
        const [byAnon, byReader, byAuthor, byAdmin] = [
          anon,
          reader.client,
          author.client,
          admin.client,
        ].map((c) => new Stream(c.CommentAdded({ contentId: id })));
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 4);

        await author.client.ArchiveContent({ id });
        await Promise.all([byAnon.ended(), byReader.ended()]);
        await t.server.pubsub.waitForSubscribersAtMost(CONTENT_ACTIVITY, id, 2);

        // The remaining streams outlive the archive: after re-publishing they get new comments.
        await author.client.PublishContent({ id });
        const { addComment } = await reader.client.AddComment({ contentId: id, body: 'Back?' });
        assert.equal((await byAuthor.next()).commentAdded.id, addComment.id);
        assert.equal((await byAdmin.next()).commentAdded.id, addComment.id);
        await Promise.all([anon.close(), author.client.close(), admin.client.close()]);
      },
    );

    it(
      'should end every stream, the author one included, when the content is deleted',
      guard,
      async () => {
        const author = await t.user('delete_author');
        const reader = await t.user('delete_reader');
        const id = await published(author.client, 'Gone soon');
        const anon = t.client();
        const streams = [anon, reader.client, author.client].map(
          (c) => new Stream(c.CommentAdded({ contentId: id })),
        );
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, streams.length);

        await author.client.DeleteContent({ id });
        await Promise.all(streams.map((s) => s.ended()));
        await t.server.pubsub.waitForSubscribersAtMost(CONTENT_ACTIVITY, id, 0);
        await anon.close();
      },
    );

    it('should accept the content id and author id in any letter case', guard, async () => {
      const author = await t.user('case_author');
      const reader = await t.user('case_reader');
      const id = await published(author.client, 'Upper case');
      const ready = morePublishedSubscribers(1);
      const comments = new Stream(reader.client.CommentAdded({ contentId: id.toUpperCase() }));
      const posts = new Stream(
        reader.client.ContentPublished({ authorId: author.id.toUpperCase() }),
      );
      await Promise.all([ready(), t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 1)]);

      const { addComment } = await author.client.AddComment({ contentId: id, body: 'Shout' });
      assert.equal((await comments.next()).commentAdded.id, addComment.id);
      const next = await published(author.client, 'Upper case, again');
      assert.equal((await posts.next()).contentPublished.id, next);
      await reader.client.close();
    });

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
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 1);

        await author.client.PublishContent({ id });
        const byAnonymous = new Stream(
          anonymous.client.iterate({ query: COMMENTS, variables: { id } }),
        );
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 2);
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
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, MAX);
        await expectCode(new Stream(fan.CommentAdded({ contentId: other })).next(), 'RATE_LIMITED');

        // The cap is per connection: another client still subscribes.
        const neighbour = t.client();
        const neighbours = new Stream(neighbour.CommentAdded({ contentId: other }));
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, other, 1);

        // Complete one (between events, as breaking out of a loop does) and subscribe again
        // at once: the server must count the slot as free as soon as the client completes.
        const { addComment: one } = await author.client.AddComment({ contentId: id, body: '1' });
        const [first] = streams;
        assert.equal((await first.next()).commentAdded.id, one.id);
        await first.return();
        const again = new Stream(fan.CommentAdded({ contentId: other })).next();
        await Promise.race([t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, other, 2), again]);
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
        const ready = t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 1);
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
        await t.server.pubsub.waitForSubscribersAtMost(CONTENT_ACTIVITY, id, 0);
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
        await t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 1);
        await events.return?.();
        await t.server.pubsub.waitForSubscribersAtMost(CONTENT_ACTIVITY, id, 0);
        await c.close();
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
        t.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 1),
        t.server.pubsub.waitForSubscribers(CONTENT_PUBLISHED, undefined, before + 1),
      ]);
      await fan.close();
      await Promise.all([
        t.server.pubsub.waitForSubscribersAtMost(CONTENT_ACTIVITY, id, 0),
        t.server.pubsub.waitForSubscribersAtMost(CONTENT_PUBLISHED, undefined, before),
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
            b.server.pubsub.waitForSubscribers(CONTENT_ACTIVITY, id, 1),
            b.server.pubsub.waitForSubscribers(CONTENT_PUBLISHED, undefined, 1),
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
