import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreateContentInput } from '../../sdk/src/index.js';
import { type Client } from '../helpers/server.js';
import { expectCode } from '../helpers/errors.js';
import {
  contentSuite,
  fx,
  MISSING_ID,
  PNG,
  MP4,
  idsOf,
  inAnHour,
  draft,
  published,
} from '../helpers/content.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`content editing (${target.name})`, () => {
    contentSuite(target, 'content-editing');

    // --- create and update

    it('should create an article as a draft, trimming the title and normalizing tags', async () => {
      const c = await draft(fx.ann.client, {
        title: '  Hello world  ',
        body: 'Some body',
        tags: [' Rust ', 'rust', 'GraphQL', ' graphql', 'RUST'],
      });
      assert.equal(c.kind, 'ARTICLE');
      assert.equal(c.title, 'Hello world');
      assert.equal(c.body, 'Some body');
      assert.deepEqual(c.tags, ['rust', 'graphql']);
      assert.deepEqual(c.media, []);
      assert.equal(c.status, 'DRAFT');
      assert.equal(c.publishedAt, null);
      assert.equal(c.author.id, fx.ann.id);
      assert.deepEqual([c.likeCount, c.commentCount, c.viewCount], [0, 0, 0]);
      assert.equal(c.viewerHasLiked, false);
      assert.ok(!Number.isNaN(Date.parse(c.createdAt)));
      const { content } = await fx.ann.client.Content({ id: c.id });
      assert.equal(content?.title, 'Hello world');
      assert.deepEqual(content?.tags, ['rust', 'graphql']);
    });

    it('should create image and video content carrying their media', async () => {
      const image = await draft(fx.ann.client, { kind: 'IMAGE', media: [PNG] });
      assert.equal(image.kind, 'IMAGE');
      assert.deepEqual(image.media, [
        {
          url: PNG.url,
          mimeType: 'image/png',
          width: 800,
          height: 600,
          durationSeconds: null,
          sizeBytes: 12_345,
        },
      ]);
      const video = await draft(fx.ann.client, { kind: 'VIDEO', media: [MP4] });
      assert.equal(video.kind, 'VIDEO');
      assert.equal(video.media[0]?.mimeType, 'video/mp4');
      assert.equal(video.media[0]?.durationSeconds, 12.5);
      // Articles may illustrate themselves with any kind of asset.
      const article = await draft(fx.ann.client, { media: [PNG, MP4] });
      assert.equal(article.media.length, 2);
    });

    it('should accept input at the limits: 200-character titles, 100 000-character bodies, 10 tags of 40', async () => {
      const tags = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(40, 'x'));
      const c = await draft(fx.ann.client, {
        title: `  ${'t'.repeat(200)}  `,
        body: 'b'.repeat(100_000),
        // Duplicates collapse before counting: 12 given, 10 distinct.
        tags: [...tags, tags[0]!.toUpperCase(), ` ${tags[1]!} `],
      });
      assert.equal(c.title.length, 200);
      assert.equal(c.body.length, 100_000);
      assert.deepEqual(c.tags, tags);
    });

    it('should count characters, not UTF-16 code units, against the limits', async () => {
      const c = await draft(fx.ann.client, { title: '🎬'.repeat(200), tags: ['🎬'.repeat(40)] });
      assert.equal(c.title, '🎬'.repeat(200));
      const e = await expectCode(
        draft(fx.ann.client, { title: '🎬'.repeat(201) }),
        'BAD_USER_INPUT',
      );
      assert.equal(e.errors[0]?.extensions?.field, 'title');
    });

    it('should refuse invalid content input with BAD_USER_INPUT naming the field', async () => {
      const cases: [Partial<CreateContentInput>, string][] = [
        [{ title: '' }, 'title'],
        [{ title: '   ' }, 'title'],
        [{ title: 'x'.repeat(201) }, 'title'],
        [{ body: 'x'.repeat(100_001) }, 'body'],
        [{ tags: Array.from({ length: 11 }, (_, i) => `tag${i}`) }, 'tags'],
        [{ tags: ['x'.repeat(41)] }, 'tags'],
        [{ tags: ['fine', '   '] }, 'tags'],
        [{ tags: [''] }, 'tags'],
        [{ kind: 'IMAGE', media: [{ ...PNG, url: 'ftp://cdn.example.com/a.png' }] }, 'media.url'],
        [{ kind: 'IMAGE', media: [{ ...PNG, url: 'javascript:alert(1)' }] }, 'media.url'],
        [{ kind: 'IMAGE', media: [{ ...PNG, url: 'not a url' }] }, 'media.url'],
        [{ media: [{ ...PNG, url: 'data:image/png;base64,AAAA' }] }, 'media.url'],
        [{ kind: 'VIDEO', media: [PNG] }, 'media.mimeType'],
        [{ kind: 'IMAGE', media: [MP4] }, 'media.mimeType'],
        [{ kind: 'VIDEO', media: [MP4, PNG] }, 'media.mimeType'],
        [{ kind: 'IMAGE', media: [{ ...PNG, mimeType: 'png' }] }, 'media.mimeType'],
      ];
      const initial = (await fx.ann.client.Contents({ filter: { authorId: fx.ann.id } })).contents;
      for (const [input, field] of cases) {
        const e = await expectCode(draft(fx.ann.client, input), 'BAD_USER_INPUT');
        assert.equal(e.errors[0]?.extensions?.field, field, JSON.stringify(input).slice(0, 120));
      }
      const afterwards = (await fx.ann.client.Contents({ filter: { authorId: fx.ann.id } }))
        .contents;
      assert.equal(afterwards.totalCount, initial.totalCount, 'nothing was created');
    });

    it('should update title, body, tags and media with the same rules as create', async () => {
      const c = await published(fx.ann.client, { title: 'Old', tags: ['old', 'keep'] });
      const { updateContent: u } = await fx.ann.client.UpdateContent({
        id: c.id,
        input: { title: '  New title ', body: 'New body', tags: ['Keep', 'NEW', 'new'] },
      });
      assert.equal(u.title, 'New title');
      assert.equal(u.body, 'New body');
      assert.deepEqual(u.tags, ['keep', 'new']);
      assert.equal(u.status, 'PUBLISHED');
      assert.ok(Date.parse(u.updatedAt) >= Date.parse(c.updatedAt));
      const tagged = async (tag: string) =>
        idsOf((await fx.t.client().Contents({ filter: { tag, authorId: fx.ann.id } })).contents);
      assert.deepEqual(await tagged('old'), []);
      assert.deepEqual(await tagged('new'), [c.id]);
      assert.deepEqual(await tagged('keep'), [c.id]);

      const cases: [Parameters<Client['UpdateContent']>[0]['input'], string][] = [
        [{ title: '  ' }, 'title'],
        [{ title: 'x'.repeat(201) }, 'title'],
        [{ body: 'x'.repeat(100_001) }, 'body'],
        [{ tags: ['ok', ''] }, 'tags'],
        [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
        [{ title: 'Valid', media: [{ ...PNG, url: 'javascript:alert(1)' }] }, 'media.url'],
      ];
      for (const [input, field] of cases) {
        const e = await expectCode(
          fx.ann.client.UpdateContent({ id: c.id, input }),
          'BAD_USER_INPUT',
        );
        assert.equal(e.errors[0]?.extensions?.field, field, JSON.stringify(input).slice(0, 120));
      }
      const { content } = await fx.ann.client.Content({ id: c.id });
      assert.equal(content?.title, 'New title', 'a refused update changes nothing');
      assert.deepEqual(content?.tags, ['keep', 'new']);

      const cleared = await fx.ann.client.UpdateContent({ id: c.id, input: { tags: [] } });
      assert.deepEqual(cleared.updateContent.tags, []);
      assert.deepEqual(await tagged('keep'), []);

      const image = await draft(fx.ann.client, { kind: 'IMAGE', media: [PNG] });
      const e = await expectCode(
        fx.ann.client.UpdateContent({ id: image.id, input: { media: [MP4] } }),
        'BAD_USER_INPUT',
      );
      assert.equal(e.errors[0]?.extensions?.field, 'media.mimeType');
    });

    it('should refuse to publish image or video content without media', async () => {
      for (const kind of ['IMAGE', 'VIDEO'] as const) {
        const c = await draft(fx.ann.client, { kind });
        for (const at of [null, inAnHour()]) {
          const e = await expectCode(
            fx.ann.client.PublishContent({ id: c.id, at }),
            'BAD_USER_INPUT',
          );
          assert.equal(e.errors[0]?.extensions?.field, 'media');
        }
        assert.equal((await fx.ann.client.Content({ id: c.id })).content?.status, 'DRAFT');
        const media = kind === 'IMAGE' ? PNG : MP4;
        await fx.ann.client.UpdateContent({ id: c.id, input: { media: [media] } });
        const { publishContent } = await fx.ann.client.PublishContent({ id: c.id });
        assert.equal(publishContent.status, 'PUBLISHED');
        // ...and once published, it cannot lose its last asset either.
        const e = await expectCode(
          fx.ann.client.UpdateContent({ id: c.id, input: { media: [] } }),
          'BAD_USER_INPUT',
        );
        assert.equal(e.errors[0]?.extensions?.field, 'media');
        assert.equal((await fx.t.client().Content({ id: c.id })).content?.media.length, 1);
      }
    });

    it('should answer NOT_FOUND to mutations and null to content(id) for unknown or malformed ids', async () => {
      for (const id of [MISSING_ID, 'not-an-id', '']) {
        assert.equal((await fx.ann.client.Content({ id })).content, null);
        await expectCode(fx.ann.client.UpdateContent({ id, input: { title: 'x' } }), 'NOT_FOUND');
        await expectCode(fx.ann.client.PublishContent({ id }), 'NOT_FOUND');
        await expectCode(fx.ann.client.ArchiveContent({ id }), 'NOT_FOUND');
        await expectCode(fx.ann.client.DeleteContent({ id }), 'NOT_FOUND');
        await expectCode(fx.ann.client.LikeContent({ id }), 'NOT_FOUND');
        await expectCode(fx.ann.client.UnlikeContent({ id }), 'NOT_FOUND');
        await expectCode(fx.ann.client.AddComment({ contentId: id, body: 'hi' }), 'NOT_FOUND');
        await expectCode(fx.ann.client.DeleteComment({ id }), 'NOT_FOUND');
      }
    });

    it('should treat ids case-insensitively, as the UUIDs they are', async () => {
      const p = await published(fx.ann.client);
      const upper = p.id.toUpperCase();
      assert.equal((await fx.bob.client.Content({ id: upper })).content?.id, p.id);
      assert.equal((await fx.bob.client.LikeContent({ id: upper })).likeContent.likeCount, 1);
      const { addComment } = await fx.bob.client.AddComment({ contentId: upper, body: 'hi' });
      assert.equal(addComment.content.id, p.id);
      const byAuthor = await fx.t
        .client()
        .Contents({ filter: { authorId: fx.ann.id.toUpperCase() } });
      assert.ok(idsOf(byAuthor.contents).includes(p.id));
      const deleted = await fx.bob.client.DeleteComment({ id: addComment.id.toUpperCase() });
      assert.equal(deleted.deleteComment, addComment.id);
      assert.equal((await fx.ann.client.DeleteContent({ id: upper })).deleteContent, p.id);
      assert.equal((await fx.ann.client.Content({ id: p.id })).content, null);
    });

    it('should answer UNAUTHENTICATED to every content mutation without a viewer', async () => {
      const p = await published(fx.ann.client);
      const { addComment } = await fx.bob.client.AddComment({ contentId: p.id, body: 'hello' });
      const anon = fx.t.client();
      await expectCode(
        anon.CreateContent({ input: { kind: 'ARTICLE', title: 't', body: 'b' } }),
        'UNAUTHENTICATED',
      );
      await expectCode(anon.UpdateContent({ id: p.id, input: { title: 'x' } }), 'UNAUTHENTICATED');
      await expectCode(anon.PublishContent({ id: p.id }), 'UNAUTHENTICATED');
      await expectCode(anon.ArchiveContent({ id: p.id }), 'UNAUTHENTICATED');
      await expectCode(anon.DeleteContent({ id: p.id }), 'UNAUTHENTICATED');
      await expectCode(anon.LikeContent({ id: p.id }), 'UNAUTHENTICATED');
      await expectCode(anon.UnlikeContent({ id: p.id }), 'UNAUTHENTICATED');
      await expectCode(anon.AddComment({ contentId: p.id, body: 'hi' }), 'UNAUTHENTICATED');
      await expectCode(anon.DeleteComment({ id: addComment.id }), 'UNAUTHENTICATED');
      const { content } = await anon.Content({ id: p.id });
      assert.deepEqual(
        [content?.title, content?.status, content?.commentCount],
        [p.title, 'PUBLISHED', 1],
      );
    });
  });
}
