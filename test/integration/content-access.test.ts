import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import {
  contentSuite,
  fx,
  idsOf,
  sorted,
  inAnHour,
  newUser,
  draft,
  published,
} from '../helpers/content.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`content access (${target.name})`, () => {
    contentSuite(target, 'content-access');

    // --- visibility

    it('should show drafts, scheduled and archived content to the author and staff only', async () => {
      const d = await draft(fx.ann.client);
      const s = await draft(fx.ann.client);
      await fx.ann.client.PublishContent({ id: s.id, at: inAnHour() });
      const a = await published(fx.ann.client);
      await fx.ann.client.ArchiveContent({ id: a.id });
      const p = await published(fx.ann.client);
      for (const [id, status] of [
        [d.id, 'DRAFT'],
        [s.id, 'SCHEDULED'],
        [a.id, 'ARCHIVED'],
      ] as const) {
        for (const who of [fx.ann, fx.mod, fx.admin]) {
          const { content } = await who.client.Content({ id });
          assert.equal(content?.status, status, `${status} for ${who.id}`);
        }
        assert.equal(
          (await fx.bob.client.Content({ id })).content,
          null,
          `${status} for a stranger`,
        );
        assert.equal(
          (await fx.t.client().Content({ id })).content,
          null,
          `${status} for anonymous`,
        );
      }
      for (const c of [fx.bob.client, fx.t.client()]) {
        assert.equal((await c.Content({ id: p.id })).content?.status, 'PUBLISHED');
      }
    });

    it('should refuse updating or publishing others’ content: FORBIDDEN if readable, NOT_FOUND if not', async () => {
      const p = await published(fx.ann.client, { title: 'Original' });
      const d = await draft(fx.ann.client, { title: 'Original' });
      await expectCode(
        fx.bob.client.UpdateContent({ id: p.id, input: { title: 'x' } }),
        'FORBIDDEN',
      );
      await expectCode(fx.bob.client.PublishContent({ id: p.id }), 'FORBIDDEN');
      await expectCode(
        fx.bob.client.UpdateContent({ id: d.id, input: { title: 'x' } }),
        'NOT_FOUND',
      );
      await expectCode(fx.bob.client.PublishContent({ id: d.id }), 'NOT_FOUND');
      // Staff may read drafts, but editing and publishing stay with the author.
      await expectCode(
        fx.mod.client.UpdateContent({ id: d.id, input: { title: 'x' } }),
        'FORBIDDEN',
      );
      await expectCode(fx.admin.client.PublishContent({ id: d.id }), 'FORBIDDEN');
      const { content } = await fx.ann.client.Content({ id: d.id });
      assert.deepEqual([content?.title, content?.status], ['Original', 'DRAFT']);
      assert.equal((await fx.t.client().Content({ id: p.id })).content?.title, 'Original');
    });

    it('should let the author and staff archive and delete, and nobody else', async () => {
      const p = await published(fx.ann.client);
      const d = await draft(fx.ann.client);
      await expectCode(fx.bob.client.ArchiveContent({ id: p.id }), 'FORBIDDEN');
      await expectCode(fx.bob.client.DeleteContent({ id: p.id }), 'FORBIDDEN');
      await expectCode(fx.bob.client.ArchiveContent({ id: d.id }), 'NOT_FOUND');
      await expectCode(fx.bob.client.DeleteContent({ id: d.id }), 'NOT_FOUND');
      assert.equal((await fx.bob.client.Content({ id: p.id })).content?.status, 'PUBLISHED');

      const { archiveContent } = await fx.mod.client.ArchiveContent({ id: p.id });
      assert.equal(archiveContent.status, 'ARCHIVED');
      assert.equal((await fx.bob.client.Content({ id: p.id })).content, null);
      assert.equal((await fx.ann.client.Content({ id: p.id })).content?.status, 'ARCHIVED');
      const again = await fx.ann.client.ArchiveContent({ id: p.id });
      assert.equal(again.archiveContent.status, 'ARCHIVED');

      assert.equal((await fx.admin.client.DeleteContent({ id: p.id })).deleteContent, p.id);
      assert.equal((await fx.ann.client.Content({ id: p.id })).content, null);
      assert.equal((await fx.ann.client.DeleteContent({ id: d.id })).deleteContent, d.id);
      assert.equal((await fx.mod.client.Content({ id: d.id })).content, null);
      await expectCode(fx.ann.client.DeleteContent({ id: d.id }), 'NOT_FOUND');

      const own = await published(fx.ann.client);
      const archived = await fx.ann.client.ArchiveContent({ id: own.id });
      assert.equal(archived.archiveContent.status, 'ARCHIVED');
      const d2 = await draft(fx.ann.client);
      assert.equal((await fx.mod.client.DeleteContent({ id: d2.id })).deleteContent, d2.id);
    });

    it('should list a user’s published contents for others, and drafts too for themself', async () => {
      const u = await newUser('lister');
      const d = await draft(u.client);
      const p = await published(u.client);
      const a = await published(u.client);
      await u.client.ArchiveContent({ id: a.id });
      for (const c of [fx.bob.client, fx.t.client()]) {
        const { user } = await c.UserContents({ id: u.id });
        assert.deepEqual(idsOf(user!.contents), [p.id]);
        assert.equal(user!.contents.totalCount, 1);
      }
      const own = (await u.client.UserContents({ id: u.id })).user!.contents;
      assert.deepEqual(sorted(idsOf(own)), sorted([d.id, p.id, a.id]));
      assert.equal(own.totalCount, 3);
      assert.equal(own.edges[0]?.node.id, a.id, 'newest first: the last one published');

      const first = (await u.client.UserContents({ id: u.id, first: 2 })).user!.contents;
      assert.equal(first.pageInfo.hasNextPage, true);
      const rest = (
        await u.client.UserContents({ id: u.id, first: 2, after: first.pageInfo.endCursor })
      ).user!.contents;
      assert.equal(rest.pageInfo.hasNextPage, false);
      assert.equal(rest.pageInfo.hasPreviousPage, true);
      assert.deepEqual([...idsOf(first), ...idsOf(rest)], idsOf(own));
    });
  });
}
