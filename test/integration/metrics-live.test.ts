import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { anonymous, ev, publishedBy } from '../helpers/metrics.js';
import { contentSuite, fx, newUser } from '../helpers/content.js';
import type { Client } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { connect, nextMatching, Stream } from '../helpers/ws.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
/** A stream that hangs instead of delivering or ending fails the test instead of the run. */
const guard = { timeout: 30_000 };

const track = (c: Client, ...events: Parameters<typeof ev>[]) =>
  c.TrackEvents({ events: events.map((e) => ev(...e)) });

for (const target of targets()) {
  describe(`metrics subscriptions (${target.name})`, () => {
    // Rechecks every 200 ms, so revocation shows quickly; the tick stays at one second.
    contentSuite(target, 'metrics-live', { METRICS_RECHECK_MS: '200' });

    it("should send a content's metrics at once, then as they change", guard, async () => {
      const c = await publishedBy(fx.ann.client);
      await track(fx.bob.client, ['SHARE', c.id]);
      const s = new Stream(fx.ann.client.ContentMetrics({ contentId: c.id }));
      const first = (await s.next()).contentMetrics;
      assert.deepEqual(
        [first.contentId, first.views, first.shares, first.likes, first.liveViewers],
        [c.id, 0, 1, 0, 0],
      );
      await track(fx.bob.client, ['VIEW', c.id], ['WATCH', c.id, { watchSeconds: 30 }]);
      await fx.bob.client.LikeContent({ id: c.id });
      await fx.bob.client.AddComment({ contentId: c.id, body: 'Hello' });
      const seen = await nextMatching(s, (v) => v.contentMetrics.comments === 1);
      const last = seen.at(-1)!.contentMetrics;
      assert.deepEqual(
        [last.views, last.shares, last.likes, last.comments, last.watchSeconds, last.liveViewers],
        [1, 1, 1, 1, 30, 1],
      );
      // The figures agree with the all-time totals on the content.
      const { content } = await fx.ann.client.Content({ id: c.id });
      assert.deepEqual(
        [content?.viewCount, content?.shareCount, content?.watchSeconds],
        [last.views, last.shares, last.watchSeconds],
      );
      await s.return();
    });

    it(
      'should let only the author, moderators and admins subscribe to a content',
      guard,
      async () => {
        const c = await publishedBy(fx.ann.client);
        for (const staff of [fx.mod.client, fx.admin.client]) {
          const s = new Stream(staff.ContentMetrics({ contentId: c.id }));
          assert.equal((await s.next()).contentMetrics.contentId, c.id);
          await s.return();
        }
        await expectCode(
          new Stream(fx.bob.client.ContentMetrics({ contentId: c.id })).next(),
          'FORBIDDEN',
        );
        const anon = anonymous();
        await expectCode(
          new Stream(anon.ContentMetrics({ contentId: c.id })).next(),
          'UNAUTHENTICATED',
        );
        await expectCode(
          new Stream(fx.ann.client.ContentMetrics({ contentId: MISSING_ID })).next(),
          'NOT_FOUND',
        );
        await anon.close();
      },
    );

    it(
      'should send at most one update per second, and none when nothing changed',
      guard,
      async () => {
        const [a, b] = [await publishedBy(fx.ann.client), await publishedBy(fx.ann.client)];
        const sa = new Stream(fx.ann.client.ContentMetrics({ contentId: a.id }));
        const sb = new Stream(fx.ann.client.ContentMetrics({ contentId: b.id }));
        await Promise.all([sa.next(), sb.next()]);
        for (let i = 0; i < 15; i++) await track(fx.bob.client, ['SHARE', a.id]);
        const burst = await nextMatching(sa, (v) => v.contentMetrics.shares === 15);
        assert.ok(burst.length < 15, `15 changes were coalesced into ${burst.length} updates`);
        const times = burst.map((v) => Date.parse(v.contentMetrics.at));
        for (let i = 1; i < times.length; i++) {
          assert.ok(
            times[i]! - times[i - 1]! >= 800,
            `updates ${times[i]! - times[i - 1]!} ms apart`,
          );
        }
        // Two updates of b: at least one tick passed in which a did not change.
        await track(fx.bob.client, ['SHARE', b.id]);
        await nextMatching(sb, (v) => v.contentMetrics.shares === 1);
        await track(fx.bob.client, ['SHARE', b.id]);
        await nextMatching(sb, (v) => v.contentMetrics.shares === 2);
        await track(fx.bob.client, ['SHARE', a.id]);
        assert.equal((await sa.next()).contentMetrics.shares, 16, 'no update repeated a value');
        await Promise.all([sa.return(), sb.return()]);
      },
    );

    it(
      "should compute a content's value once per tick, whatever the number of subscribers",
      guard,
      async () => {
        const c = await publishedBy(fx.ann.client);
        const streams = Array.from(
          { length: 12 },
          () => new Stream(fx.ann.client.ContentMetrics({ contentId: c.id })),
        );
        await Promise.all(streams.map((s) => s.next()));
        fx.t.queries.length = 0;
        await track(fx.bob.client, ['SHARE', c.id]);
        await Promise.all(
          streams.map((s) => nextMatching(s, (v) => v.contentMetrics.shares === 1)),
        );
        const reads = fx.t.queries.filter((q) =>
          /from .contents. as .c0. where .c0.\..id. = (\?|\$1) limit/.test(q),
        );
        // One per tick (one or two ticks passed), not one per subscriber.
        assert.ok(reads.length <= 4, `${reads.length} reads of contents for 12 subscribers`);
        await Promise.all(streams.map((s) => s.return()));
      },
    );

    it(
      'should end the stream when the content is deleted or the viewer loses their role',
      guard,
      async () => {
        const c = await publishedBy(fx.ann.client);
        const author = new Stream(fx.ann.client.ContentMetrics({ contentId: c.id }));
        const mod = await newUser('mod');
        await fx.admin.client.SetUserRole({ userId: mod.id, role: 'MODERATOR' });
        const staff = new Stream(mod.client.ContentMetrics({ contentId: c.id }));
        await Promise.all([author.next(), staff.next()]);
        await fx.admin.client.SetUserRole({ userId: mod.id, role: 'USER' });
        await staff.ended();
        await fx.ann.client.DeleteContent({ id: c.id });
        await nextMatching(author, () => false).catch((e: Error) =>
          assert.match(e.message, /ended/),
        );
      },
    );

    it('should show platform metrics to admins only, live', guard, async () => {
      await expectCode(new Stream(fx.bob.client.PlatformMetrics()).next(), 'FORBIDDEN');
      await expectCode(new Stream(fx.mod.client.PlatformMetrics()).next(), 'FORBIDDEN');
      const s = new Stream(fx.admin.client.PlatformMetrics());
      const first = (await s.next()).platformMetrics;
      assert.ok(first.liveConnections >= 1);
      const extra = [
        connect(fx.t.server.wsUrl),
        connect(fx.t.server.wsUrl),
        connect(fx.t.server.wsUrl),
      ];
      await Promise.all(extra.map((x) => x.connected));
      await nextMatching(s, (v) => v.platformMetrics.liveConnections >= first.liveConnections + 3);

      const c = await publishedBy(fx.ann.client);
      const anon = anonymous();
      await track(anon, ['VIEW', c.id], ['SHARE', c.id]);
      const active = await nextMatching(s, (v) => v.platformMetrics.eventsPerSecond > 0);
      assert.ok(active.at(-1)!.platformMetrics.activeUsers >= 1);

      const { startConversation } = await fx.bob.client.StartConversation({
        memberIds: [fx.ann.id],
      });
      await fx.bob.client.SendMessage({
        input: { conversationId: startConversation.id, body: 'Hi' },
      });
      await nextMatching(s, (v) => v.platformMetrics.messagesPerMinute >= 1);

      await Promise.all(extra.map((x) => x.close()));
      await nextMatching(s, (v) => v.platformMetrics.liveConnections <= first.liveConnections + 1);
      await Promise.all([s.return(), anon.close()]);
    });

    it('should stream the trending list to anyone as it changes', guard, async () => {
      const anon = anonymous();
      await expectCode(new Stream(anon.TrendingChanged({ first: 0 })).next(), 'BAD_USER_INPUT');
      const s = new Stream(anon.TrendingChanged({ window: 'LAST_MINUTE', first: 100 }));
      const before = (await s.next()).trendingChanged;
      const c = await publishedBy(fx.ann.client, 'Rising');
      assert.equal(
        before.some((i) => i.content.id === c.id),
        false,
      );
      await track(fx.bob.client, ['SHARE', c.id], ['VIEW', c.id]);
      const seen = await nextMatching(s, (v) =>
        v.trendingChanged.some((i) => i.content.id === c.id),
      );
      const item = seen.at(-1)!.trendingChanged.find((i) => i.content.id === c.id)!;
      assert.deepEqual(
        [item.content.title, item.content.author.id, item.views],
        ['Rising', fx.ann.id, 1],
      );
      await Promise.all([s.return(), anon.close()]);
    });
  });
}
