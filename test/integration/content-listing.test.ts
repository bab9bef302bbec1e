import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContentFilter, ContentOrder } from '../../sdk/src/index.js';
import { encodeCursor } from '../../src/infra/pagination.js';
import { Content } from '../../src/modules/content/index.js';
import { type Client } from '../helpers/server.js';
import { expectCode } from '../helpers/errors.js';
import {
  contentSuite,
  fx,
  MISSING_ID,
  PNG,
  MP4,
  ORDERS,
  idsOf,
  sorted,
  inAnHour,
  base64url,
  newUser,
  draft,
  published,
  walk,
} from '../helpers/content.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`content listing (${target.name})`, () => {
    contentSuite(target, 'content-listing');

    // --- listing

    it('should narrow contents by author, tag, kind and status', async () => {
      const [f1, f2] = await Promise.all([newUser('filter'), newUser('filter')]);
      const tag = 'narrowing';
      const a1 = await published(f1.client, { tags: [tag] });
      const i1 = await published(f1.client, { kind: 'IMAGE', media: [PNG], tags: [tag, 'other'] });
      const v1 = await published(f1.client, { kind: 'VIDEO', media: [MP4] });
      const d1 = await draft(f1.client, { tags: [tag] });
      const x1 = await published(f1.client);
      await f1.client.ArchiveContent({ id: x1.id });
      const s1 = await draft(f1.client);
      await f1.client.PublishContent({ id: s1.id, at: inAnHour() });
      const a2 = await published(f2.client, { tags: [tag] });
      const d2 = await draft(f2.client);

      const list = async (c: Client, filter: ContentFilter) => {
        const { contents } = await c.Contents({ filter, first: 100 });
        assert.equal(contents.totalCount, contents.edges.length);
        return sorted(idsOf(contents));
      };
      const anon = fx.t.client();
      const publicOfF1 = sorted([a1.id, i1.id, v1.id]);
      assert.deepEqual(await list(anon, { authorId: f1.id }), publicOfF1);
      assert.deepEqual(await list(f2.client, { authorId: f1.id }), publicOfF1);
      assert.deepEqual(
        await list(f1.client, { authorId: f1.id }),
        sorted([a1.id, i1.id, v1.id, d1.id, x1.id, s1.id]),
        'without a status filter, the author sees everything of theirs',
      );
      assert.deepEqual(await list(anon, { tag }), sorted([a1.id, i1.id, a2.id]));
      assert.deepEqual(await list(anon, { tag: ' NARROWING ' }), sorted([a1.id, i1.id, a2.id]));
      assert.deepEqual(await list(anon, { tag, authorId: f1.id }), sorted([a1.id, i1.id]));
      assert.deepEqual(await list(anon, { tag: 'no-such-tag' }), []);
      assert.deepEqual(await list(anon, { kind: 'IMAGE', authorId: f1.id }), [i1.id]);
      assert.deepEqual(await list(anon, { kind: 'VIDEO', authorId: f1.id }), [v1.id]);
      assert.deepEqual(await list(anon, { kind: 'ARTICLE', authorId: f1.id }), [a1.id]);
      assert.deepEqual(await list(anon, { kind: 'ARTICLE', tag }), sorted([a1.id, a2.id]));
      assert.deepEqual(await list(f2.client, { status: 'PUBLISHED', authorId: f1.id }), publicOfF1);

      // Other statuses: the viewer's own content only; staff see everyone's.
      assert.deepEqual(await list(f1.client, { status: 'DRAFT' }), [d1.id]);
      assert.deepEqual(await list(f2.client, { status: 'DRAFT' }), [d2.id]);
      assert.deepEqual(await list(f2.client, { status: 'DRAFT', authorId: f1.id }), []);
      assert.deepEqual(await list(anon, { status: 'DRAFT' }), []);
      assert.deepEqual(await list(fx.mod.client, { status: 'DRAFT', authorId: f1.id }), [d1.id]);
      const staffDrafts = await list(fx.admin.client, { status: 'DRAFT' });
      assert.ok(staffDrafts.includes(d1.id) && staffDrafts.includes(d2.id));
      assert.deepEqual(await list(f1.client, { status: 'ARCHIVED' }), [x1.id]);
      assert.deepEqual(await list(f2.client, { status: 'ARCHIVED', authorId: f1.id }), []);
      assert.deepEqual(await list(fx.admin.client, { status: 'ARCHIVED', authorId: f1.id }), [
        x1.id,
      ]);
      assert.deepEqual(await list(f1.client, { status: 'SCHEDULED' }), [s1.id]);
      assert.deepEqual(await list(anon, { status: 'SCHEDULED', authorId: f1.id }), []);
      assert.deepEqual(
        await list(f1.client, { status: 'DRAFT', tag, kind: 'ARTICLE', authorId: f1.id }),
        [d1.id],
      );
      assert.deepEqual(await list(anon, { authorId: MISSING_ID }), []);
      assert.deepEqual(await list(anon, { authorId: 'not-an-id' }), []);
    });

    it('should order by newest, oldest, most liked and most viewed', async () => {
      const o = await newUser('orders');
      const items = [];
      for (let i = 0; i < 4; i++) items.push(await published(o.client, { title: `Item ${i}` }));
      const [c0, c1, c2, c3] = items.map((c) => c.id) as [string, string, string, string];
      const likers = [fx.ann, fx.bob, fx.mod];
      await Promise.all([
        ...likers.map((u) => u.client.LikeContent({ id: c0 })),
        ...likers.slice(0, 2).map((u) => u.client.LikeContent({ id: c2 })),
        fx.ann.client.LikeContent({ id: c1 }),
      ]);
      const views: [string, number][] = [
        [c0, 5],
        [c1, 50],
        [c2, 0],
        [c3, 7],
      ];
      const em = fx.t.server.orm.em.fork();
      for (const [id, viewCount] of views) await em.nativeUpdate(Content, { id }, { viewCount });

      const ordered = async (orderBy: ContentOrder) =>
        (await fx.t.client().Contents({ filter: { authorId: o.id }, orderBy })).contents;
      const liked = await ordered('MOST_LIKED');
      assert.deepEqual(idsOf(liked), [c0, c2, c1, c3]);
      assert.deepEqual(
        liked.edges.map((e) => e.node.likeCount),
        [3, 2, 1, 0],
      );
      const viewed = await ordered('MOST_VIEWED');
      assert.deepEqual(idsOf(viewed), [c1, c3, c0, c2]);
      assert.deepEqual(
        viewed.edges.map((e) => e.node.viewCount),
        [50, 7, 5, 0],
      );
      const newest = await ordered('NEWEST');
      assert.deepEqual(sorted(idsOf(newest)), sorted([c0, c1, c2, c3]));
      const times = newest.edges.map((e) => Date.parse(e.node.publishedAt!));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'newest first',
      );
      assert.ok(times[0]! > times[3]!, 'the items were published at different times');
      const oldest = await ordered('OLDEST');
      assert.deepEqual(idsOf(oldest), idsOf(newest).reverse());
      // The default order is NEWEST.
      const byDefault = (await fx.t.client().Contents({ filter: { authorId: o.id } })).contents;
      assert.deepEqual(idsOf(byDefault), idsOf(newest));
    });

    it('should walk every page of every order without gap or duplicate', async () => {
      const w = await newUser('walker');
      const items = [];
      for (let i = 0; i < 7; i++)
        items.push(await published(w.client, { title: `Page item ${i}` }));
      // Ties on the sort key: most items have no likes and no views.
      await fx.ann.client.LikeContent({ id: items[1]!.id });
      await fx.bob.client.LikeContent({ id: items[1]!.id });
      await fx.bob.client.LikeContent({ id: items[4]!.id });
      await fx.t.server.orm.em.fork().nativeUpdate(Content, { id: items[5]!.id }, { viewCount: 3 });
      const filter = { authorId: w.id };
      for (const orderBy of ORDERS) {
        const all = idsOf((await fx.t.client().Contents({ filter, orderBy, first: 100 })).contents);
        assert.equal(all.length, 7);
        const { seen, pages, totals } = await walk(fx.t.client(), { filter, orderBy }, 3);
        assert.deepEqual(seen, all, orderBy);
        assert.equal(pages, 3, orderBy);
        assert.deepEqual(totals, [7], orderBy);
      }
    });

    it('should keep NEWEST and OLDEST pages consistent when content is published between pages', async () => {
      const n = await newUser('inserts');
      for (let i = 0; i < 5; i++) await published(n.client, { title: `Before ${i}` });
      const filter = { authorId: n.id };
      const snapshot = {
        NEWEST: idsOf((await fx.t.client().Contents({ filter, orderBy: 'NEWEST' })).contents),
        OLDEST: idsOf((await fx.t.client().Contents({ filter, orderBy: 'OLDEST' })).contents),
      };
      const pageOne = {
        NEWEST: (await fx.t.client().Contents({ filter, orderBy: 'NEWEST', first: 2 })).contents,
        OLDEST: (await fx.t.client().Contents({ filter, orderBy: 'OLDEST', first: 2 })).contents,
      };
      const added = [
        await published(n.client, { title: 'After 1' }),
        await published(n.client, { title: 'After 2' }),
      ].map((c) => c.id);

      const newest = await fx.t.client().Contents({
        filter,
        orderBy: 'NEWEST',
        first: 10,
        after: pageOne.NEWEST.pageInfo.endCursor,
      });
      assert.deepEqual(
        idsOf(newest.contents),
        snapshot.NEWEST.slice(2),
        'continues where it left off',
      );
      assert.equal(newest.contents.totalCount, 7);
      const fresh = (await fx.t.client().Contents({ filter, orderBy: 'NEWEST', first: 2 }))
        .contents;
      assert.deepEqual(idsOf(fresh), [...added].reverse(), 'new items come before the cursor');

      const oldest = await fx.t.client().Contents({
        filter,
        orderBy: 'OLDEST',
        first: 10,
        after: pageOne.OLDEST.pageInfo.endCursor,
      });
      assert.deepEqual(idsOf(oldest.contents), [...snapshot.OLDEST.slice(2), ...added]);
    });

    it('should refuse page sizes over 100 and garbage or foreign cursors with BAD_USER_INPUT', async () => {
      const p = await published(fx.ann.client);
      await fx.bob.client.AddComment({ contentId: p.id, body: 'one' });
      const anon = fx.t.client();
      for (const first of [101, -1]) {
        const e = await expectCode(anon.Contents({ first }), 'BAD_USER_INPUT');
        assert.equal(e.errors[0]?.extensions?.field, 'first');
        await expectCode(anon.UserContents({ id: fx.ann.id, first }), 'BAD_USER_INPUT');
        await expectCode(anon.Comments({ contentId: p.id, first }), 'BAD_USER_INPUT');
      }
      const none = (await anon.Contents({ first: 0 })).contents;
      assert.deepEqual(none.edges, []);
      assert.ok(none.totalCount > 0);
      assert.equal(
        (await anon.Contents({ first: 100 })).contents.edges.length,
        Math.min(100, none.totalCount),
      );

      const cursorOf = async (orderBy: ContentOrder) =>
        (await anon.Contents({ orderBy, first: 1 })).contents.pageInfo.endCursor!;
      const userCursor = (await anon.UserContents({ id: fx.ann.id, first: 1 })).user!.contents
        .pageInfo.endCursor!;
      const uuid = p.id;
      const foreign: [ContentOrder, string][] = [
        ['NEWEST', 'garbage'],
        ['NEWEST', '!!!'],
        ['NEWEST', await cursorOf('OLDEST')],
        ['OLDEST', await cursorOf('NEWEST')],
        ['MOST_VIEWED', await cursorOf('MOST_LIKED')],
        ['MOST_LIKED', await cursorOf('MOST_VIEWED')],
        ['NEWEST', userCursor],
        // Forged: the right list, a position that is not one.
        ['NEWEST', encodeCursor('contents:NEWEST', 'garbage')],
        ['NEWEST', encodeCursor('contents:NEWEST', base64url('{}'))],
        ['NEWEST', encodeCursor('contents:NEWEST', base64url(JSON.stringify([uuid])))],
        ['NEWEST', encodeCursor('contents:NEWEST', base64url(JSON.stringify(['x', uuid])))],
        [
          'NEWEST',
          encodeCursor(
            'contents:NEWEST',
            base64url(JSON.stringify(['2026-99-99T99:99:99.999Z', uuid])),
          ),
        ],
        [
          'NEWEST',
          encodeCursor('contents:NEWEST', base64url(JSON.stringify([new Date(), 'not-a-uuid']))),
        ],
        [
          'MOST_LIKED',
          encodeCursor('contents:MOST_LIKED', base64url(JSON.stringify([1e12, uuid]))),
        ],
        [
          'MOST_LIKED',
          encodeCursor('contents:MOST_LIKED', base64url(JSON.stringify([null, uuid]))),
        ],
        [
          'MOST_VIEWED',
          encodeCursor('contents:MOST_VIEWED', base64url(JSON.stringify(['1', uuid]))),
        ],
      ];
      for (const [orderBy, cursor] of foreign) {
        const e = await expectCode(anon.Contents({ orderBy, after: cursor }), 'BAD_USER_INPUT');
        assert.equal(e.errors[0]?.extensions?.field, 'after', `${orderBy} ${cursor}`);
      }
      const commentCursor = (await anon.Comments({ contentId: p.id, first: 1 })).content!.comments
        .pageInfo.endCursor!;
      await expectCode(
        anon.UserContents({ id: fx.ann.id, after: commentCursor }),
        'BAD_USER_INPUT',
      );
      await expectCode(anon.UserContents({ id: fx.bob.id, after: userCursor }), 'BAD_USER_INPUT');
      const other = await published(fx.ann.client);
      for (const cursor of [
        'garbage',
        userCursor,
        encodeCursor(`comments:${p.id}`, base64url('[1]')),
      ]) {
        await expectCode(anon.Comments({ contentId: p.id, after: cursor }), 'BAD_USER_INPUT');
      }
      await expectCode(
        anon.Comments({ contentId: other.id, after: commentCursor }),
        'BAD_USER_INPUT',
      );
    });
  });
}
