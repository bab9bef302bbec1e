import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ev, minutesAgo, publishedBy } from '../helpers/metrics.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// Trending after a restart: the embedded server refills its windows from the persisted
// rollups at start (Redis keeps them itself), so a restart shows what the database holds.

const guard = { timeout: 60_000 };

async function trendingOf(t: TestServer) {
  const { trending } = await t.client().Trending({ window: 'LAST_HOUR', first: 10 });
  return trending.map((i) => ({ id: i.content.id, views: i.views, score: i.score }));
}

for (const target of targets()) {
  describe(`metrics: trending across a restart (${target.name})`, () => {
    it('should show the same trending after a restart as before it', guard, async () => {
      const storage = await target.provision('metrics-restore');
      try {
        const first = await bootServer(target, 'metrics-restore', { storage });
        let before: Awaited<ReturnType<typeof trendingOf>>;
        try {
          const author = await first.user('restore_author');
          const fans = [await first.user('restore_fan1'), await first.user('restore_fan2')];
          const hot = await publishedBy(author.client, 'Hot');
          const warm = await publishedBy(author.client, 'Warm');
          for (const fan of fans) {
            await fan.client.TrackEvents({
              events: [
                ev('VIEW', hot.id, { occurredAt: minutesAgo(20) }),
                ev('SHARE', hot.id, { occurredAt: minutesAgo(10) }),
                ev('WATCH', hot.id, { watchSeconds: 120 }),
                ev('VIEW', warm.id, { occurredAt: minutesAgo(30) }),
              ],
            });
            await fan.client.LikeContent({ id: hot.id });
          }
          await fans[0]!.client.AddComment({ contentId: warm.id, body: 'Warm indeed' });
          before = await trendingOf(first);
          assert.deepEqual(
            before.map((i) => [i.id, i.views]),
            [
              [hot.id, 2],
              [warm.id, 2],
            ],
          );
        } finally {
          await first.close();
        }

        const second = await bootServer(target, 'metrics-restore', { storage });
        try {
          const after = await trendingOf(second);
          assert.deepEqual(
            after.map((i) => [i.id, i.views]),
            before.map((i) => [i.id, i.views]),
          );
          // Rollups keep minutes: the decay differs by at most half a minute's worth.
          for (const [i, item] of after.entries()) {
            const was = before[i]!.score;
            assert.ok(Math.abs(item.score - was) <= was * 0.05, `${item.score} vs ${was}`);
          }
        } finally {
          await second.close();
        }
      } finally {
        await storage.drop();
      }
    });
  });
}
