import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MetricRollup } from '../../src/modules/metrics/index.js';
import { ev, minutesAgo, publishedBy } from '../helpers/metrics.js';
import { ADMIN_EMAILS, bootServer, type TestServer } from '../helpers/server.js';
import { targets, type Storage } from '../helpers/targets.js';
import { Stream } from '../helpers/ws.js';

const guard = { timeout: 60_000 };

for (const target of targets()) {
  describe(`metrics durability (${target.name})`, () => {
    let storage: Storage | undefined;
    let running: TestServer | undefined;
    after(async () => {
      await running?.close();
      await storage?.drop();
    });

    it('should keep counts, rollups and seen event ids across a restart', guard, async () => {
      storage = await target.provision('metrics-durability');
      running = await bootServer(target, 'metrics-durability', { storage });
      const ann = await running.user('ann', { email: ADMIN_EMAILS[0] });
      const bob = await running.user('bob');
      const c = await publishedBy(ann.client);
      const events = [
        ev('VIEW', c.id),
        ev('SHARE', c.id),
        ev('SHARE', c.id),
        ev('WATCH', c.id, { watchSeconds: 90 }),
      ];
      assert.equal((await bob.client.TrackEvents({ events })).trackEvents.accepted, 4);
      await bob.client.LikeContent({ id: c.id });

      // Durable when trackEvents returns: the per-minute rollups are already written.
      const em = running.server.orm.em.fork();
      const rollups = await em.find(MetricRollup, { scope: c.id });
      const byMetric = Object.fromEntries(rollups.map((r) => [r.metric, r.value]));
      assert.deepEqual(byMetric, { EVENTS: 4, VIEWS: 1, SHARES: 2, WATCH_SECONDS: 90, LIKES: 1 });

      await running.close();
      running = await bootServer(target, 'metrics-durability', { storage });
      const annAgain = running.client(ann.token);
      const { content } = await annAgain.Content({ id: c.id });
      assert.deepEqual(
        [content?.viewCount, content?.shareCount, content?.watchSeconds, content?.likeCount],
        [1, 2, 90, 1],
      );
      const stream = new Stream(annAgain.ContentMetrics({ contentId: c.id }));
      const m = (await stream.next()).contentMetrics;
      assert.deepEqual([m.views, m.shares, m.watchSeconds, m.likes], [1, 2, 90, 1]);
      await stream.return();
      const series = await annAgain.MetricSeries({
        contentId: c.id,
        metric: 'SHARES',
        from: minutesAgo(5),
        to: minutesAgo(-1),
      });
      assert.equal(
        series.metricSeries.reduce((s, p) => s + p.value, 0),
        2,
      );
      // The same events sent again after the restart (a client retrying) are duplicates.
      const retry = await running.client(bob.token).TrackEvents({ events });
      assert.deepEqual([retry.trackEvents.accepted, retry.trackEvents.duplicates], [0, 4]);
      // ...and a VIEW within 30 minutes of the counted one still does not count.
      await running.client(bob.token).TrackEvents({ events: [ev('VIEW', c.id)] });
      assert.equal((await annAgain.Content({ id: c.id })).content?.viewCount, 1);
    });
  });
}
