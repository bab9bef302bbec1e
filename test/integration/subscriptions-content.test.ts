import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from '../../src/modules/content/index.js';
import { ADMIN_EMAIL, bootServer, type Client, type TestServer } from '../helpers/server.js';
import { expectCode } from '../helpers/errors.js';
import { draftTitled as draft, publishedTitled as published } from '../helpers/content.js';
import { targets } from '../helpers/targets.js';
import { connect, Stream } from '../helpers/ws.js';
import { waitForSubscribers, waitForSubscribersAtMost } from '../helpers/subscribers.js';

// contentPublished and commentAdded: who gets which events, authorised at subscribe time
// and again for every event.

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** A stream that hangs instead of delivering or ending fails the test instead of the run. */
const guard = { timeout: 30_000 };

for (const target of targets()) {
  describe(`content subscriptions (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'subs-content');
    });
    after(() => t.close());

    /** Counts contentPublished subscribers now; the function waits for `n` more than that. */
    function morePublishedSubscribers(n: number) {
      const now = t.server.pubsub.subscriberCount(CONTENT_PUBLISHED);
      return () => waitForSubscribers(t.server, CONTENT_PUBLISHED, undefined, now + n);
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
      'should resolve a live comment, its author and content without a query per subscriber',
      guard,
      async () => {
        const author = await t.user('sql_author');
        const commenter = await t.user('sql_commenter');
        const id = await published(author.client, 'Busy video');
        const watchers = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => t.user(`sql_w${i}`)));
        const anon = t.client();
        const streams = [anon, ...watchers.map((w) => w.client)].map(
          (c) => new Stream(c.CommentAdded({ contentId: id })),
        );
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, streams.length);
        t.queries.length = 0;
        await commenter.client.AddComment({ contentId: id, body: 'Hello, all' });
        for (const s of streams) assert.equal((await s.next()).commentAdded.content.id, id);
        // The mutation's own statements only: none of them repeats once per subscriber.
        const reads = t.queries.filter((q) => /^select/i.test(q) && !/published_at. <=/.test(q));
        assert.ok(
          reads.length < streams.length,
          `${reads.length} reads for ${streams.length} subscribers`,
        );
        await Promise.all(streams.map((s) => s.return()));
      },
    );

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
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, streams.length);

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
      await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 1);

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
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 4);

        await author.client.ArchiveContent({ id });
        await Promise.all([byAnon.ended(), byReader.ended()]);
        await waitForSubscribersAtMost(t.server, CONTENT_ACTIVITY, id, 2);

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
        await waitForSubscribers(t.server, CONTENT_ACTIVITY, id, streams.length);

        await author.client.DeleteContent({ id });
        await Promise.all(streams.map((s) => s.ended()));
        await waitForSubscribersAtMost(t.server, CONTENT_ACTIVITY, id, 0);
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
      await Promise.all([ready(), waitForSubscribers(t.server, CONTENT_ACTIVITY, id, 1)]);

      const { addComment } = await author.client.AddComment({ contentId: id, body: 'Shout' });
      assert.equal((await comments.next()).commentAdded.id, addComment.id);
      const next = await published(author.client, 'Upper case, again');
      assert.equal((await posts.next()).contentPublished.id, next);
      await reader.client.close();
    });
  });
}
