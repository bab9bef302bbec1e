import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import {
  contentSuite,
  fx,
  idsOf,
  inAnHour,
  newUser,
  draft,
  published,
  rows,
  sorted,
  type Signed,
} from '../helpers/content.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`content interactions (${target.name})`, () => {
    contentSuite(target, 'content-interactions');

    // --- likes

    it('should count one like per user and tell the viewer whether they liked', async () => {
      const p = await published(fx.ann.client);
      const first = await fx.bob.client.LikeContent({ id: p.id });
      assert.deepEqual([first.likeContent.likeCount, first.likeContent.viewerHasLiked], [1, true]);
      const twice = await fx.bob.client.LikeContent({ id: p.id });
      assert.deepEqual([twice.likeContent.likeCount, twice.likeContent.viewerHasLiked], [1, true]);
      assert.equal((await fx.bob.client.Content({ id: p.id })).content?.viewerHasLiked, true);
      assert.equal((await fx.ann.client.Content({ id: p.id })).content?.viewerHasLiked, false);
      const anonymous = (await fx.t.client().Content({ id: p.id })).content;
      assert.deepEqual([anonymous?.likeCount, anonymous?.viewerHasLiked], [1, false]);

      const byAnn = await fx.ann.client.LikeContent({ id: p.id });
      assert.equal(byAnn.likeContent.likeCount, 2);
      const unliked = await fx.ann.client.UnlikeContent({ id: p.id });
      assert.deepEqual(
        [unliked.unlikeContent.likeCount, unliked.unlikeContent.viewerHasLiked],
        [1, false],
      );
      const unlikedAgain = await fx.ann.client.UnlikeContent({ id: p.id });
      assert.equal(unlikedAgain.unlikeContent.likeCount, 1);
      assert.equal((await rows(p.id)).likes, 1);
      const last = await fx.bob.client.UnlikeContent({ id: p.id });
      assert.deepEqual(
        [last.unlikeContent.likeCount, last.unlikeContent.viewerHasLiked],
        [0, false],
      );
      assert.equal((await rows(p.id)).likes, 0);
    });

    it('should report viewerHasLiked after each of several like mutations in one request', async () => {
      const p = await published(fx.ann.client);
      const response = await fetch(fx.t.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${fx.bob.token}` },
        body: JSON.stringify({
          query: `mutation Twice($id: ID!) {
            a: likeContent(id: $id) { likeCount viewerHasLiked }
            b: unlikeContent(id: $id) { likeCount viewerHasLiked }
            c: likeContent(id: $id) { likeCount viewerHasLiked }
          }`,
          variables: { id: p.id },
        }),
      });
      const body = (await response.json()) as {
        data?: Record<string, { likeCount: number; viewerHasLiked: boolean }>;
        errors?: unknown;
      };
      assert.equal(body.errors, undefined);
      assert.deepEqual(body.data, {
        a: { likeCount: 1, viewerHasLiked: true },
        b: { likeCount: 0, viewerHasLiked: false },
        c: { likeCount: 1, viewerHasLiked: true },
      });
    });

    it('should keep likeCount equal to the likes under concurrent likes and unlikes', async () => {
      const p = await published(fx.ann.client);
      const likers = await Promise.all(Array.from({ length: 8 }, () => newUser('liker')));
      await Promise.all(
        likers.flatMap((u) => [0, 1].map(() => u.client.LikeContent({ id: p.id }))),
      );
      const liked = (await fx.t.client().Content({ id: p.id })).content!;
      assert.equal(liked.likeCount, 8);
      assert.equal((await rows(p.id)).likes, 8);

      await Promise.all([
        ...likers
          .slice(0, 5)
          .flatMap((u) => [0, 1].map(() => u.client.UnlikeContent({ id: p.id }))),
        ...likers.slice(5).map((u) => u.client.LikeContent({ id: p.id })),
      ]);
      const afterwards = (await fx.t.client().Content({ id: p.id })).content!;
      assert.equal(afterwards.likeCount, 3);
      assert.equal((await rows(p.id)).likes, 3);
      for (const [i, u] of likers.entries()) {
        const { content } = await u.client.Content({ id: p.id });
        assert.equal(content?.viewerHasLiked, i >= 5);
      }
    });

    it('should refuse likes and comments on content that is not published', async () => {
      const d = await draft(fx.ann.client);
      const s = await draft(fx.ann.client);
      await fx.ann.client.PublishContent({ id: s.id, at: inAnHour() });
      const a = await published(fx.ann.client);
      await fx.bob.client.LikeContent({ id: a.id });
      await fx.ann.client.ArchiveContent({ id: a.id });
      for (const id of [d.id, s.id, a.id]) {
        await expectCode(fx.ann.client.LikeContent({ id }), 'CONFLICT');
        await expectCode(fx.ann.client.AddComment({ contentId: id, body: 'hi' }), 'CONFLICT');
        await expectCode(fx.mod.client.LikeContent({ id }), 'CONFLICT');
        await expectCode(fx.bob.client.LikeContent({ id }), 'NOT_FOUND');
        await expectCode(fx.bob.client.AddComment({ contentId: id, body: 'hi' }), 'NOT_FOUND');
      }
      await expectCode(fx.bob.client.UnlikeContent({ id: a.id }), 'NOT_FOUND');
      const { content } = await fx.ann.client.Content({ id: d.id });
      assert.deepEqual([content?.likeCount, content?.commentCount], [0, 0]);
      assert.deepEqual(await rows(d.id), { likes: 0, comments: 0 });
    });

    // --- comments

    it('should add trimmed comments of 1 to 10 000 characters', async () => {
      const p = await published(fx.ann.client);
      const { addComment: c } = await fx.bob.client.AddComment({
        contentId: p.id,
        body: '  Nice post  ',
      });
      assert.equal(c.body, 'Nice post');
      assert.equal(c.author.id, fx.bob.id);
      assert.equal(c.content.id, p.id);
      const long = await fx.ann.client.AddComment({ contentId: p.id, body: 'x'.repeat(10_000) });
      assert.equal(long.addComment.body.length, 10_000);
      for (const body of ['', '   \n ', 'x'.repeat(10_001)]) {
        const e = await expectCode(
          fx.bob.client.AddComment({ contentId: p.id, body }),
          'BAD_USER_INPUT',
        );
        assert.equal(e.errors[0]?.extensions?.field, 'body');
      }
      const { content } = await fx.t.client().Comments({ contentId: p.id });
      assert.equal(content?.commentCount, 2);
      assert.equal(content?.comments.totalCount, 2);
      assert.equal((await rows(p.id)).comments, 2);
    });

    it('should page comments oldest first with cursors', async () => {
      const p = await published(fx.ann.client);
      const added: string[] = [];
      for (let i = 0; i < 5; i++) {
        const who = i % 2 ? fx.bob : fx.mod;
        added.push(
          (await who.client.AddComment({ contentId: p.id, body: `Comment ${i}` })).addComment.id,
        );
      }
      const all = (await fx.t.client().Comments({ contentId: p.id, first: 100 })).content!.comments;
      assert.deepEqual(sorted(all.edges.map((e) => e.node.id)), sorted(added));
      const times = all.edges.map((e) => Date.parse(e.node.createdAt));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        'oldest first',
      );
      assert.ok(times[0]! < times[4]!, 'the comments were written at different times');
      assert.equal(all.edges[0]?.node.id, added[0]);
      assert.equal(all.edges[4]?.node.id, added[4]);

      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 3; page++) {
        const { content } = await fx.t
          .client()
          .Comments({ contentId: p.id, first: 2, after: cursor });
        const comments = content!.comments;
        assert.equal(comments.totalCount, 5);
        assert.equal(comments.pageInfo.hasPreviousPage, page > 0);
        assert.equal(comments.pageInfo.hasNextPage, page < 2);
        assert.equal(comments.pageInfo.endCursor, comments.edges.at(-1)?.cursor);
        seen.push(...comments.edges.map((e) => e.node.id));
        cursor = comments.pageInfo.endCursor;
      }
      assert.deepEqual(
        seen,
        all.edges.map((e) => e.node.id),
      );
    });

    it('should let the comment author, the content author or a moderator delete a comment', async () => {
      const p = await published(fx.ann.client);
      const carol = await newUser('carol');
      const add = async (who: Signed, body: string) =>
        (await who.client.AddComment({ contentId: p.id, body })).addComment.id;
      const c1 = await add(fx.bob, 'one');
      const c2 = await add(fx.bob, 'two');
      const c3 = await add(carol, 'three');
      const c4 = await add(fx.bob, 'four');

      await expectCode(carol.client.DeleteComment({ id: c1 }), 'FORBIDDEN');
      await expectCode(fx.bob.client.DeleteComment({ id: c3 }), 'FORBIDDEN');
      assert.equal((await fx.bob.client.DeleteComment({ id: c1 })).deleteComment, c1);
      assert.equal((await fx.ann.client.DeleteComment({ id: c2 })).deleteComment, c2);
      assert.equal((await fx.mod.client.DeleteComment({ id: c3 })).deleteComment, c3);
      await expectCode(fx.bob.client.DeleteComment({ id: c1 }), 'NOT_FOUND');

      const { content } = await fx.t.client().Comments({ contentId: p.id });
      assert.equal(content?.commentCount, 1);
      assert.equal(content?.comments.totalCount, 1);
      assert.deepEqual(
        content?.comments.edges.map((e) => e.node.id),
        [c4],
      );
      assert.equal((await rows(p.id)).comments, 1);
    });

    it('should keep commentCount equal to the comments under concurrent writes', async () => {
      const p = await published(fx.ann.client);
      const writers = [fx.ann, fx.bob, fx.mod, fx.admin];
      const ids = (
        await Promise.all(
          writers.flatMap((u) =>
            [1, 2].map((i) => u.client.AddComment({ contentId: p.id, body: `${u.id} ${i}` })),
          ),
        )
      ).map((r) => r.addComment.id);
      const { content } = await fx.t.client().Comments({ contentId: p.id, first: 100 });
      assert.equal(content?.commentCount, 8);
      assert.equal(content?.comments.totalCount, 8);
      assert.equal((await rows(p.id)).comments, 8);

      await Promise.all(ids.slice(0, 5).map((id) => fx.ann.client.DeleteComment({ id })));
      const { content: remaining } = await fx.t.client().Comments({ contentId: p.id, first: 100 });
      assert.equal(remaining?.commentCount, 3);
      assert.equal(remaining?.comments.edges.length, 3);
      assert.equal((await rows(p.id)).comments, 3);
    });

    it('should delete content with its likes and comments, returning its id', async () => {
      const p = await published(fx.ann.client);
      await fx.bob.client.LikeContent({ id: p.id });
      const { addComment } = await fx.bob.client.AddComment({ contentId: p.id, body: 'bye' });
      assert.deepEqual(await rows(p.id), { likes: 1, comments: 1 });
      assert.equal((await fx.ann.client.DeleteContent({ id: p.id })).deleteContent, p.id);
      for (const c of [fx.ann.client, fx.mod.client, fx.t.client()]) {
        assert.equal((await c.Content({ id: p.id })).content, null);
      }
      assert.deepEqual(await rows(p.id), { likes: 0, comments: 0 });
      await expectCode(fx.bob.client.DeleteComment({ id: addComment.id }), 'NOT_FOUND');
      await expectCode(fx.bob.client.UnlikeContent({ id: p.id }), 'NOT_FOUND');
      const feed = (await fx.ann.client.UserContents({ id: fx.ann.id, first: 100 })).user!.contents;
      assert.ok(!idsOf(feed).includes(p.id));
    });
  });
}
