import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { anonymous, ev, minutesAgo, publishedBy } from '../helpers/metrics.js';
import { contentSuite, fx } from '../helpers/content.js';
import type { Client } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const MINUTE = 60_000;
const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;

async function series(c: Client, vars: Parameters<Client['MetricSeries']>[0]) {
  return (await c.MetricSeries(vars)).metricSeries;
}

async function rank(
  c: Client,
  window: 'LAST_MINUTE' | 'LAST_5_MINUTES' | 'LAST_HOUR' | 'LAST_24_HOURS',
) {
  return (await c.Trending({ window, first: 100 })).trending;
}

for (const target of targets()) {
  describe(`metrics series and trending (${target.name})`, () => {
    contentSuite(target, 'metrics-series');

    it('should return zero-filled minute buckets with each event in its minute', async () => {
      const c = await publishedBy(fx.ann.client);
      const at = [minutesAgo(50), minutesAgo(15), minutesAgo(15)];
      await fx.bob.client.TrackEvents({
        events: [
          ev('VIEW', c.id, { occurredAt: at[0] }),
          ev('VIEW', c.id, { occurredAt: at[1] }),
          ev('WATCH', c.id, { occurredAt: at[2], watchSeconds: 42 }),
          ev('WATCH', c.id, { occurredAt: at[2], watchSeconds: 8 }),
        ],
      });
      const to = new Date();
      const from = new Date(to.getTime() - 60 * MINUTE);
      const views = await series(fx.ann.client, {
        contentId: c.id,
        metric: 'VIEWS',
        from: from.toISOString(),
        to: to.toISOString(),
      });
      const first = floorTo(from.getTime(), MINUTE);
      assert.equal(views.length, Math.ceil((to.getTime() - first) / MINUTE));
      views.forEach((p, i) => assert.equal(new Date(p.at).getTime(), first + i * MINUTE));
      const valueAt = (points: typeof views, iso: string) =>
        points.find((p) => new Date(p.at).getTime() === floorTo(Date.parse(iso), MINUTE))?.value;
      assert.equal(valueAt(views, at[0]!), 1);
      assert.equal(valueAt(views, at[1]!), 1);
      assert.equal(
        views.reduce((s, p) => s + p.value, 0),
        2,
      );
      const watch = await series(fx.mod.client, {
        contentId: c.id,
        metric: 'WATCH_SECONDS',
        from: from.toISOString(),
        to: to.toISOString(),
      });
      assert.equal(valueAt(watch, at[2]!), 50);
      const shares = await series(fx.admin.client, {
        contentId: c.id,
        metric: 'SHARES',
        from: from.toISOString(),
        to: to.toISOString(),
      });
      assert.ok(shares.every((p) => p.value === 0));
    });

    it('should sum minutes into hours and days, and the platform over every content', async () => {
      const [a, b] = [await publishedBy(fx.ann.client), await publishedBy(fx.bob.client)];
      // A minute no other test uses: 20 hours and a few minutes ago.
      const minute = floorTo(Date.now() - 20 * 60 * MINUTE - 7 * MINUTE, MINUTE);
      const iso = (ms: number) => new Date(ms).toISOString();
      await fx.mod.client.TrackEvents({
        events: [
          ev('SHARE', a.id, { occurredAt: iso(minute + 1000) }),
          ev('SHARE', b.id, { occurredAt: iso(minute + 2000) }),
          ev('SHARE', b.id, { occurredAt: iso(minute + 3000) }),
        ],
      });
      const platform = await series(fx.admin.client, {
        metric: 'SHARES',
        from: iso(minute),
        to: iso(minute + MINUTE),
      });
      assert.deepEqual(
        platform.map((p) => [new Date(p.at).getTime(), p.value]),
        [[minute, 3]],
      );
      const hours = await series(fx.bob.client, {
        contentId: b.id,
        metric: 'SHARES',
        interval: 'HOUR',
        from: iso(minute - 3 * 3600_000),
        to: iso(Date.now()),
      });
      assert.equal(
        hours.reduce((s, p) => s + p.value, 0),
        2,
      );
      assert.equal(hours.filter((p) => p.value > 0).length, 1);
      hours.forEach((p) => assert.equal(new Date(p.at).getTime() % 3600_000, 0));
      const days = await series(fx.bob.client, {
        contentId: b.id,
        metric: 'SHARES',
        interval: 'DAY',
        from: iso(Date.now() - 3 * 86400_000),
        to: iso(Date.now()),
      });
      assert.ok(days.length === 3 || days.length === 4);
      assert.equal(
        days.reduce((s, p) => s + p.value, 0),
        2,
      );
    });

    it('should count likes and comments, net of unlikes and deleted comments', async () => {
      const c = await publishedBy(fx.ann.client);
      await fx.bob.client.LikeContent({ id: c.id });
      await fx.mod.client.LikeContent({ id: c.id });
      await fx.mod.client.UnlikeContent({ id: c.id });
      await fx.bob.client.LikeContent({ id: c.id }); // already liked: nothing changes
      const { addComment } = await fx.bob.client.AddComment({ contentId: c.id, body: 'Nice' });
      await fx.mod.client.AddComment({ contentId: c.id, body: 'Indeed' });
      await fx.bob.client.DeleteComment({ id: addComment.id });
      const range = { from: minutesAgo(5), to: minutesAgo(-1) };
      const sum = async (metric: 'LIKES' | 'COMMENTS') =>
        (await series(fx.ann.client, { contentId: c.id, metric, ...range })).reduce(
          (s, p) => s + p.value,
          0,
        );
      assert.equal(await sum('LIKES'), 1);
      assert.equal(await sum('COMMENTS'), 1);
    });

    it('should refuse bad ranges and show figures only to those allowed', async () => {
      const c = await publishedBy(fx.ann.client);
      const range = { from: minutesAgo(10), to: minutesAgo(0) };
      await expectCode(
        series(fx.bob.client, { contentId: c.id, metric: 'VIEWS', ...range }),
        'FORBIDDEN',
      );
      await expectCode(series(fx.bob.client, { metric: 'VIEWS', ...range }), 'FORBIDDEN');
      await expectCode(series(fx.mod.client, { metric: 'VIEWS', ...range }), 'FORBIDDEN');
      await expectCode(
        series(fx.t.client(), { contentId: c.id, metric: 'VIEWS', ...range }),
        'UNAUTHENTICATED',
      );
      await expectCode(
        series(fx.bob.client, { contentId: MISSING_ID, metric: 'VIEWS', ...range }),
        'NOT_FOUND',
      );
      const { createContent: draft } = await fx.ann.client.CreateContent({
        input: { kind: 'ARTICLE', title: 'D', body: 'B' },
      });
      await expectCode(
        series(fx.bob.client, { contentId: draft.id, metric: 'VIEWS', ...range }),
        'NOT_FOUND',
      );
      assert.ok(
        (await series(fx.ann.client, { contentId: draft.id, metric: 'VIEWS', ...range })).length >
          0,
      );

      const tooMany = await expectCode(
        series(fx.ann.client, {
          contentId: c.id,
          metric: 'VIEWS',
          from: minutesAgo(1001),
          to: minutesAgo(0),
        }),
        'BAD_USER_INPUT',
      );
      assert.equal(tooMany.errors[0]?.extensions?.field, 'to');
      const limit = floorTo(Date.now(), MINUTE);
      const exactly = await series(fx.ann.client, {
        contentId: c.id,
        metric: 'VIEWS',
        from: new Date(limit - 1000 * MINUTE).toISOString(),
        to: new Date(limit).toISOString(),
      });
      assert.equal(exactly.length, 1000);
      await expectCode(
        series(fx.ann.client, { contentId: c.id, metric: 'VIEWS', from: range.to, to: range.from }),
        'BAD_USER_INPUT',
      );
      await expectCode(
        series(fx.ann.client, { contentId: c.id, metric: 'VIEWS', from: range.to, to: range.to }),
        'BAD_USER_INPUT',
      );
      await expectCode(
        series(fx.admin.client, {
          metric: 'VIEWS',
          interval: 'DAY',
          from: minutesAgo(1441 * 1000),
          to: minutesAgo(0),
        }),
        'BAD_USER_INPUT',
      );
    });

    it('should rank published content by decayed engagement, with the window counts', async () => {
      const [quiet, busy, gone] = [
        await publishedBy(fx.ann.client, 'Quiet'),
        await publishedBy(fx.ann.client, 'Busy'),
        await publishedBy(fx.ann.client, 'Gone'),
      ];
      await fx.bob.client.TrackEvents({
        events: [
          ev('VIEW', quiet.id),
          ev('VIEW', busy.id),
          ev('SHARE', busy.id),
          ev('VIEW', gone.id),
          ev('SHARE', gone.id),
          ev('SHARE', gone.id),
        ],
      });
      await fx.mod.client.TrackEvents({ events: [ev('VIEW', busy.id)] });
      await fx.mod.client.LikeContent({ id: busy.id });
      const anon = anonymous();
      const list = await rank(anon, 'LAST_HOUR');
      const pos = (id: string) => list.findIndex((i) => i.content.id === id);
      assert.ok(pos(busy.id) >= 0 && pos(quiet.id) > pos(busy.id), 'busy ranks above quiet');
      const busyItem = list[pos(busy.id)]!;
      assert.equal(busyItem.views, 2);
      assert.ok(busyItem.score > list[pos(quiet.id)]!.score);
      assert.equal(busyItem.content.title, 'Busy');
      await fx.ann.client.ArchiveContent({ id: gone.id });
      assert.equal(
        (await rank(anon, 'LAST_HOUR')).some((i) => i.content.id === gone.id),
        false,
      );
      for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]!.score >= list[i]!.score);
      await anon.close();
    });

    it('should keep each window to its own span', async () => {
      const old = await publishedBy(fx.ann.client, 'Ten minutes ago');
      await fx.bob.client.TrackEvents({
        events: [ev('SHARE', old.id, { occurredAt: minutesAgo(10) })],
      });
      const has = async (w: Parameters<typeof rank>[1]) =>
        (await rank(fx.bob.client, w)).some((i) => i.content.id === old.id);
      assert.deepEqual(
        [
          await has('LAST_MINUTE'),
          await has('LAST_5_MINUTES'),
          await has('LAST_HOUR'),
          await has('LAST_24_HOURS'),
        ],
        [false, false, true, true],
      );
    });

    it('should refuse a trending size outside 1 to 100', async () => {
      await expectCode(fx.bob.client.Trending({ first: 0 }), 'BAD_USER_INPUT');
      await expectCode(fx.bob.client.Trending({ first: 101 }), 'BAD_USER_INPUT');
      assert.ok((await fx.bob.client.Trending({ first: 1 })).trending.length <= 1);
      assert.ok((await fx.bob.client.Trending({})).trending.length <= 10);
    });
  });
}
