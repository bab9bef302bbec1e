import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recommendations } from '../../src/modules/recommendations/index.js';
import { until } from '../helpers/content.js';
import { ev } from '../helpers/metrics.js';
import { bootServer, type Client, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

/** Recommendations on a new platform: few authors, and engagement arriving in bulk. */

async function article(c: Client, title: string) {
  const { createContent } = await c.CreateContent({
    input: { kind: 'ARTICLE', title, body: `About ${title}.`, tags: [] },
  });
  return (await c.PublishContent({ id: createContent.id })).publishContent;
}

const recs = async (c: Client, first: number) =>
  (await c.RecommendedContents({ first })).recommendedContents;

async function withServer(
  target: Parameters<typeof bootServer>[0],
  label: string,
  env: Record<string, string>,
  work: (t: TestServer) => Promise<void>,
) {
  const t = await bootServer(target, label, { env });
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

for (const target of targets()) {
  describe(`recommendations in the first minute (${target.name})`, () => {
    it('should fill a page from one author when no other author is left', async () => {
      await withServer(target, 'recs-one-author', {}, async (t) => {
        const solo = await t.user('solo');
        const published = new Set<string>();
        for (let i = 0; i < 12; i++) {
          published.add((await article(solo.client, `Field note ${i} on lichens`)).id);
        }
        const archived = await article(solo.client, 'Withdrawn field note');
        await solo.client.ArchiveContent({ id: archived.id });
        const { createContent: draft } = await solo.client.CreateContent({
          input: { kind: 'ARTICLE', title: 'Unfinished field note', body: 'Later.' },
        });
        const reader = (await t.user('reader')).client;

        const list = await recs(reader, 10);
        assert.equal(list.length, 10);
        const ids = list.map((r) => r.content.id);
        assert.equal(new Set(ids).size, 10, 'no duplicates');
        assert.ok(ids.every((id) => published.has(id)));
        assert.ok(!ids.includes(archived.id) && !ids.includes(draft.id));
        assert.ok(list.every((r) => r.content.status === 'PUBLISHED'));
        // The diverse picks (three of one author) first, then the rest by score.
        const rest = list.slice(3).map((r) => r.score);
        assert.deepEqual(
          rest,
          [...rest].sort((a, b) => b - a),
        );

        // Fewer readable candidates than asked for: all of them, and no more.
        const all = await recs(reader, 20);
        assert.deepEqual(new Set(all.map((r) => r.content.id)), published);
      });
    });

    it('should rebuild the collaborative model early after a bulk of engagement', async () => {
      const env = {
        // The schedule would rebuild in an hour: only the early rebuild can be seen here.
        RECS_REBUILD_INTERVAL_MS: String(3600_000),
        RECS_POLL_INTERVAL_MS: '100',
        RECS_REBUILD_MIN_INTERVAL_MS: '100',
        RECS_REBUILD_MIN_EVENTS: '30',
      };
      await withServer(target, 'recs-early-rebuild', env, async (t) => {
        const models = t.server.use(recommendations).models;
        // The model a fresh server builds at start, from no engagement.
        const first = await until('the first model', async () => models.current);
        assert.equal(first.interactions, 0);

        const knitter = await t.user('knitter');
        const physicist = await t.user('physicist');
        const wool = await article(knitter.client, 'Knitting patterns for winter');
        const qubits = await article(physicist.client, 'Quantum computing basics');
        const others = await Promise.all(
          ['Sock heels', 'Lace shawls'].map((title) => article(knitter.client, title)),
        );
        const viewer = await t.user('viewer');
        await viewer.client.LikeContent({ id: wool.id });
        const before = await recs(viewer.client, 20);
        assert.equal(
          before.some((r) => r.reason === 'COLLABORATIVE'),
          false,
        );

        // The bulk: 8 fans, each liking both and viewing three (40 events, the viewer's like 41).
        for (let i = 0; i < 8; i++) {
          const fan = await t.user(`fan_${i}`);
          await fan.client.LikeContent({ id: wool.id });
          await fan.client.LikeContent({ id: qubits.id });
          await fan.client.TrackEvents({
            events: [...others, qubits].map((c) => ev('VIEW', c.id)),
          });
        }

        const hit = await until(
          'the collaborative part to learn the co-likes',
          async () =>
            (await recs(viewer.client, 20)).find(
              (r) => r.content.id === qubits.id && r.reason === 'COLLABORATIVE',
            ) ?? null,
          400,
        );
        assert.equal(hit.becauseOf?.id, wool.id);
        const rebuilt = models.current!;
        assert.ok(rebuilt.builtAt > first.builtAt);
        assert.ok(rebuilt.interactions > 0);
      });
    });
    it('should count the engagement of every process toward an early rebuild', async () => {
      const env = {
        RECS_REBUILD_INTERVAL_MS: String(3600_000),
        RECS_POLL_INTERVAL_MS: '100',
        RECS_REBUILD_MIN_INTERVAL_MS: '100',
        RECS_REBUILD_MIN_EVENTS: '30',
      };
      await withServer(target, 'recs-early-cluster', env, async (a) => {
        const b = await bootServer(target, 'recs-early-cluster', { storage: a.storage, env });
        try {
          const [ma, mb] = [a, b].map((t) => t.server.use(recommendations).models);
          await until('both to have the first model', async () => ma!.current && mb!.current);
          const first = ma!.current!.builtAt;

          const cook = await a.user('cook');
          const bread = await article(cook.client, 'Rye bread at home');
          const soup = await article(cook.client, 'Winter vegetable soup');
          const viewer = await a.user('taster');
          await viewer.client.LikeContent({ id: bread.id });
          // 21 events through a, 20 through b: fewer than 30 on either, 41 in all.
          for (let i = 0; i < 8; i++) {
            const fan = await a.user(`eater_${i}`);
            const c = i < 4 ? fan.client : b.client(fan.token);
            await c.LikeContent({ id: bread.id });
            await c.LikeContent({ id: soup.id });
            await c.TrackEvents({ events: [ev('VIEW', bread.id), ev('VIEW', soup.id)] });
            await c.TrackEvents({ events: [ev('VIEW', soup.id)] });
          }

          const hit = await until(
            'a model that learnt from both processes',
            async () =>
              (await recs(viewer.client, 20)).find(
                (r) => r.content.id === soup.id && r.reason === 'COLLABORATIVE',
              ) ?? null,
            400,
          );
          assert.equal(hit.becauseOf?.id, bread.id);
          assert.ok(ma!.current!.builtAt > first);
        } finally {
          await b.close();
        }
      });
    });
  });
}
