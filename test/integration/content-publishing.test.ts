import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PubSub } from '../../src/infra/pubsub.js';
import { connectRedis } from '../../src/infra/redis.js';
import { Content, CONTENT_PUBLISHED, ContentStatus } from '../../src/modules/content/index.js';
import { bootServer } from '../helpers/server.js';
import { deferred, expectCode } from '../helpers/errors.js';
import { contentSuite, fx, idsOf, inAnHour, until, draft } from '../helpers/content.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`content publishing (${target.name})`, () => {
    contentSuite(target, 'content-publishing');

    // --- scheduling

    it('should schedule content for later, visible to its author only until the scheduler publishes it', async () => {
      const c = await draft(fx.ann.client, { title: 'Scheduled' });
      const later = inAnHour();
      const { publishContent: s } = await fx.ann.client.PublishContent({ id: c.id, at: later });
      assert.equal(s.status, 'SCHEDULED');
      assert.equal(s.publishedAt, later);
      assert.equal((await fx.ann.client.Content({ id: c.id })).content?.publishedAt, later);
      assert.equal((await fx.bob.client.Content({ id: c.id })).content, null);
      assert.equal((await fx.t.client().Content({ id: c.id })).content, null);
      const publicFeed = (
        await fx.t.client().Contents({ filter: { authorId: fx.ann.id }, first: 100 })
      ).contents;
      assert.ok(!idsOf(publicFeed).includes(c.id));

      // Brought forward: the scheduler publishes it when due, keeping the promised time.
      const soon = new Date(Date.now() + 1000).toISOString();
      const moved = await fx.ann.client.PublishContent({ id: c.id, at: soon });
      assert.deepEqual(
        [moved.publishContent.status, moved.publishContent.publishedAt],
        ['SCHEDULED', soon],
      );
      const live = await until('the scheduler to publish', async () => {
        const { content } = await fx.bob.client.Content({ id: c.id });
        return content?.status === 'PUBLISHED' ? content : null;
      });
      assert.equal(live.publishedAt, soon);
      const feed = (await fx.t.client().Contents({ filter: { authorId: fx.ann.id }, first: 100 }))
        .contents;
      assert.ok(idsOf(feed).includes(c.id));

      await expectCode(fx.ann.client.PublishContent({ id: c.id, at: inAnHour() }), 'CONFLICT');
      const again = await fx.ann.client.PublishContent({ id: c.id });
      assert.deepEqual(
        [again.publishContent.status, again.publishContent.publishedAt],
        ['PUBLISHED', soon],
      );
    });

    it('should publish at once when at is absent or in the past, even if scheduled', async () => {
      const past = await draft(fx.ann.client);
      const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
      const p1 = await fx.ann.client.PublishContent({ id: past.id, at: anHourAgo });
      assert.equal(p1.publishContent.status, 'PUBLISHED');
      assert.ok(
        Date.parse(p1.publishContent.publishedAt!) > Date.parse(anHourAgo),
        'now, not then',
      );
      const scheduled = await draft(fx.ann.client);
      const later = inAnHour();
      await fx.ann.client.PublishContent({ id: scheduled.id, at: later });
      const now = await fx.ann.client.PublishContent({ id: scheduled.id });
      assert.equal(now.publishContent.status, 'PUBLISHED');
      assert.ok(Date.parse(now.publishContent.publishedAt!) < Date.parse(later), 'now, not later');
      assert.equal(
        (await fx.bob.client.Content({ id: scheduled.id })).content?.status,
        'PUBLISHED',
      );
    });

    it('should publish and announce content once when it is published twice at the same time', async () => {
      const bus = fx.t.server.pubsub;
      const events = await bus.listen(CONTENT_PUBLISHED);
      const announced: string[] = [];
      const sentinel = deferred<void>();
      const consumer = (async () => {
        for await (const e of events) {
          const id = (e as { content?: { id?: string } }).content?.id;
          if (id) announced.push(id);
          else sentinel.resolve();
        }
      })();
      try {
        const d = await draft(fx.ann.client);
        const s = await draft(fx.ann.client);
        await fx.ann.client.PublishContent({ id: s.id, at: inAnHour() });
        const results = await Promise.all(
          [d.id, d.id, d.id, s.id, s.id, s.id].map((id) => fx.ann.client.PublishContent({ id })),
        );
        for (const id of [d.id, s.id]) {
          const mine = results.map((r) => r.publishContent).filter((c) => c.id === id);
          assert.ok(mine.every((c) => c.status === 'PUBLISHED'));
          assert.equal(new Set(mine.map((c) => c.publishedAt)).size, 1, 'one publication time');
        }
        // Everything published before the sentinel has been delivered once it arrives.
        await bus.publish(CONTENT_PUBLISHED as string, { sentinel: true });
        await sentinel.promise;
        assert.deepEqual(announced.sort(), [d.id, s.id].sort());
      } finally {
        await events.return?.();
        await consumer;
      }
    });

    it('should publish each due item once when two servers share the storage', async () => {
      const s1 = await bootServer(target, 'content-sched');
      const s2 = await bootServer(target, 'content-sched', { storage: s1.storage });
      const probe = s1.config.redisUrl
        ? PubSub.redis(
            connectRedis(s1.config.redisUrl, 'subscriber'),
            connectRedis(s1.config.redisUrl, 'subscriber'),
            s1.config.redisPrefix,
          )
        : null;
      try {
        // One Redis listener hears both servers; in-process buses are one per server.
        const buses = probe ? [probe] : [s1.server.pubsub, s2.server.pubsub];
        const streams = await Promise.all(buses.map((b) => b.listen(CONTENT_PUBLISHED)));
        const announced = new Map<string, number>();
        const sentinel = deferred<void>();
        const consumers = streams.map(async (events) => {
          for await (const e of events) {
            const id = (e as { content?: { id?: string } }).content?.id ?? 'sentinel';
            if (id === 'sentinel') sentinel.resolve();
            else announced.set(id, (announced.get(id) ?? 0) + 1);
          }
        });

        const author = await s1.user('twin_author');
        const at = new Date(Date.now() + 1000).toISOString();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const { createContent } = await author.client.CreateContent({
            input: { kind: 'ARTICLE', title: `Twin ${i}`, body: 'b' },
          });
          await author.client.PublishContent({ id: createContent.id, at });
          ids.push(createContent.id);
        }
        const em = s2.server.orm.em.fork();
        await until('both schedulers to publish everything', async () => {
          em.clear();
          const n = await em.count(Content, { id: { $in: ids }, status: ContentStatus.PUBLISHED });
          return n === ids.length || null;
        });
        em.clear();
        for (const c of await em.find(Content, { id: { $in: ids } })) {
          assert.equal(c.status, 'PUBLISHED');
          assert.equal(c.publishedAt?.toISOString(), at, 'publishedAt is the scheduled time');
          assert.equal(c.listedAt.toISOString(), at);
        }

        // Stopping both servers waits for their scheduler ticks, announcements included.
        await s2.close();
        await s1.server.close();
        if (probe) await probe.publish(CONTENT_PUBLISHED as string, { sentinel: true });
        else sentinel.resolve();
        await sentinel.promise;
        for (const id of ids) assert.equal(announced.get(id), 1, `announcements of ${id}`);
        await Promise.all(streams.map((s) => s.return?.()));
        await Promise.all(consumers);
      } finally {
        await probe?.close();
        await s2.close();
        await s1.close();
      }
    });
  });
}
