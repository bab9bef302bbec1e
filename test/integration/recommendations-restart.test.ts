import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { until } from '../helpers/content.js';
import { bootServer, type Client, type TestServer } from '../helpers/server.js';
import { targets, type Storage } from '../helpers/targets.js';

const guard = { timeout: 60_000 };
// Rebuild often before the restart, never after it: what is served then was persisted.
const before = { RECS_REBUILD_INTERVAL_MS: '200', RECS_POLL_INTERVAL_MS: '100' };
const afterRestart = { RECS_REBUILD_INTERVAL_MS: String(3600_000) };

async function article(c: Client, title: string, body: string, tags: string[]) {
  const { createContent } = await c.CreateContent({
    input: { kind: 'ARTICLE', title, body, tags },
  });
  return (await c.PublishContent({ id: createContent.id })).publishContent;
}

for (const target of targets()) {
  describe(`recommendations after a restart, and on another process (${target.name})`, () => {
    let storage: Storage | undefined;
    let running: TestServer | undefined;
    let other: TestServer | undefined;
    after(async () => {
      await other?.close();
      await running?.close();
      await storage?.drop();
    });

    it('should serve content similarity and the learned model at once', guard, async () => {
      storage = await target.provision('recs-restart');
      running = await bootServer(target, 'recs-restart', { storage, env: before });
      const writer = await running.user('writer');
      const writer2 = await running.user('writer2');
      const kayak = await article(
        writer.client,
        'Sea kayaking along the fjords',
        'Paddling a sea kayak between steep fjord walls.',
        ['kayak', 'fjords'],
      );
      const kayak2 = await article(
        writer2.client,
        'Fjord kayak routes for beginners',
        'Easy sea kayak routes through calm fjords.',
        ['kayak', 'fjords'],
      );
      const bread = await article(writer.client, 'Sourdough starter', 'Flour and water.', []);
      const chess = await article(writer2.client, 'Chess openings', 'The Sicilian.', []);
      const fans = await Promise.all([1, 2, 3].map((n) => running!.user(`fan${n}`)));
      for (const f of fans) {
        await f.client.LikeContent({ id: bread.id });
        await f.client.LikeContent({ id: chess.id });
      }
      // Wait until the model that knows the co-likes is persisted (rebuilt every 200 ms).
      const probe = await running.user('probe');
      await probe.client.LikeContent({ id: bread.id });
      await until(
        'the model to learn the co-likes before the restart',
        async () => {
          const list = (await probe.client.RecommendedContents({ first: 10 })).recommendedContents;
          return (
            list.some((r) => r.content.id === chess.id && r.reason === 'COLLABORATIVE') || null
          );
        },
        400,
      );
      await running.close();

      running = await bootServer(target, 'recs-restart', { storage, env: afterRestart });
      const anyone = running.client();
      // Indexed from the database at start: no publication event since the restart.
      const similar = (await anyone.SimilarContents({ contentId: kayak.id, first: 3 }))
        .similarContents;
      assert.equal(similar[0]?.id, kayak2.id);
      // The persisted model, read at start, before any rebuild.
      const viewer = await running.user('viewer');
      await viewer.client.LikeContent({ id: bread.id });
      const list = (await viewer.client.RecommendedContents({ first: 10 })).recommendedContents;
      const hit = list.find((r) => r.content.id === chess.id);
      assert.equal(hit?.reason, 'COLLABORATIVE');
      assert.equal(hit?.becauseOf?.id, bread.id);
    });

    it('should index content published on another process, event or not', guard, async () => {
      // Two servers on one database: with Redis the publication event reaches the other;
      // without it (the embedded configuration) only the catch-up poll does.
      other = await bootServer(target, 'recs-restart', {
        storage,
        env: { ...afterRestart, RECS_POLL_INTERVAL_MS: '100' },
      });
      const writer = await running!.user('writer3');
      const [a, b] = [
        await article(writer.client, 'Beekeeping for beginners', 'Hives, bees and honey.', [
          'bees',
        ]),
        await article(writer.client, 'Harvesting honey from hives', 'Bees, frames, honey.', [
          'bees',
        ]),
      ];
      const anyone = other.client();
      await until('the other process to index both publications', async () => {
        const { similarContents } = await anyone.SimilarContents({ contentId: a.id, first: 3 });
        return similarContents[0]?.id === b.id || null;
      });
    });
  });
}
