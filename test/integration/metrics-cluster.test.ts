import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ev, publishedBy } from '../helpers/metrics.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { connect, nextMatching, Stream } from '../helpers/ws.js';

// Two server processes on one PostgreSQL and one Redis count as one: event ids, the view
// rule, live viewers, trending and connections are shared.

const guard = { timeout: 30_000 };
const env = { SCHEDULER_INTERVAL_MS: '86400000' };

for (const target of targets().filter((t) => t.name === 'postgresql+redis')) {
  describe(`metrics across processes (${target.name})`, () => {
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      a = await bootServer(target, 'metrics-cluster', { env });
      b = await bootServer(target, 'metrics-cluster', { env, storage: a.storage });
    });
    after(async () => {
      await b.close();
      await a.close();
    });

    it('should count an event id once when it reaches both processes at once', guard, async () => {
      const author = await a.user('author1');
      const viewer = await a.user('viewer1');
      const c = await publishedBy(author.client);
      const events = Array.from({ length: 50 }, () => ev('SHARE', c.id));
      const onB = b.client(viewer.token);
      const [ra, rb] = await Promise.all([
        viewer.client.TrackEvents({ events }),
        onB.TrackEvents({ events }),
      ]);
      assert.equal(ra.trackEvents.accepted + rb.trackEvents.accepted, 50);
      assert.equal(ra.trackEvents.duplicates + rb.trackEvents.duplicates, 50);
      assert.equal((await onB.Content({ id: c.id })).content?.shareCount, 50);
    });

    it('should count one view when one viewer views on both processes at once', guard, async () => {
      const author = await a.user('author2');
      const viewer = await a.user('viewer2');
      const c = await publishedBy(author.client);
      const onB = b.client(viewer.token);
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? onB : viewer.client).TrackEvents({ events: [ev('VIEW', c.id)] }),
        ),
      );
      assert.equal((await onB.Content({ id: c.id })).content?.viewCount, 1);
    });

    it('should share live viewers, trending and connections between processes', guard, async () => {
      const author = await a.user('author3');
      const admin = await a.user('admin3', { email: 'admin@marquee.test' });
      const c = await publishedBy(author.client, 'Shared');
      const metricsOnB = new Stream(b.client(author.token).ContentMetrics({ contentId: c.id }));
      const platformOnB = new Stream(b.client(admin.token).PlatformMetrics());
      const trendingOnB = new Stream(b.client().TrendingChanged({ window: 'LAST_MINUTE' }));
      await Promise.all([metricsOnB.next(), trendingOnB.next()]);
      const before = (await platformOnB.next()).platformMetrics.liveConnections;

      const anonymousOnA = a.client();
      const viewers = [`anon-${randomUUID()}`, `anon-${randomUUID()}`];
      for (const id of viewers) {
        const r = await fetch(a.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-anonymous-id': id },
          body: JSON.stringify({
            query: 'mutation($e: [TrackEventInput!]!) { trackEvents(events: $e) { accepted } }',
            variables: { e: [ev('VIEW', c.id), ev('SHARE', c.id)] },
          }),
        });
        assert.equal(r.status, 200);
      }
      const live = (await nextMatching(metricsOnB, (v) => v.contentMetrics.liveViewers === 2)).at(
        -1,
      )!;
      assert.deepEqual([live.contentMetrics.views, live.contentMetrics.shares], [2, 2]);
      await nextMatching(trendingOnB, (v) => v.trendingChanged.some((i) => i.content.id === c.id));

      const onA = [connect(a.server.wsUrl), connect(a.server.wsUrl)];
      await Promise.all(onA.map((x) => x.connected));
      await nextMatching(platformOnB, (v) => v.platformMetrics.liveConnections >= before + 2);
      await Promise.all(onA.map((x) => x.close()));
      await Promise.all([metricsOnB.return(), platformOnB.return(), trendingOnB.return()]);
      await anonymousOnA.close();
    });
  });
}
