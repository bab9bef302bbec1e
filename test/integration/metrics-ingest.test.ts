import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { post } from '../helpers/http.js';
import { anonymous, ev, minutesAgo, publishedBy, totals } from '../helpers/metrics.js';
import { contentSuite, fx } from '../helpers/content.js';
import { targets } from '../helpers/targets.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

for (const target of targets()) {
  describe(`metrics ingestion (${target.name})`, () => {
    contentSuite(target, 'metrics-ingest');

    it('should count an event id once, within a batch, across calls and per viewer', async () => {
      const c = await publishedBy(fx.ann.client);
      const share = ev('SHARE', c.id);
      const first = await fx.bob.client.TrackEvents({ events: [share, share, ev('SHARE', c.id)] });
      assert.deepEqual([first.trackEvents.accepted, first.trackEvents.duplicates], [2, 1]);
      const retry = await fx.bob.client.TrackEvents({ events: [share] });
      assert.deepEqual([retry.trackEvents.accepted, retry.trackEvents.duplicates], [0, 1]);
      // Ids are the client's: another viewer's event with the same id is another event.
      const other = await fx.mod.client.TrackEvents({ events: [share] });
      assert.deepEqual([other.trackEvents.accepted, other.trackEvents.duplicates], [1, 0]);
      assert.equal((await totals(fx.ann.client, c.id)).shares, 3);
    });

    it('should count a VIEW once per viewer per content per 30 minutes', async () => {
      const c = await publishedBy(fx.ann.client);
      const r = await fx.bob.client.TrackEvents({
        events: [
          ev('VIEW', c.id, { occurredAt: minutesAgo(50) }), // counts
          ev('VIEW', c.id, { occurredAt: minutesAgo(45) }), // 5 min later: no
          ev('VIEW', c.id, { occurredAt: minutesAgo(15) }), // 35 min after the first: counts
          ev('VIEW', c.id), // 15 min later: no
        ],
      });
      assert.equal(r.trackEvents.accepted, 4);
      assert.equal((await totals(fx.ann.client, c.id)).views, 2);
      await fx.bob.client.TrackEvents({ events: [ev('VIEW', c.id)] });
      assert.equal((await totals(fx.ann.client, c.id)).views, 2, 'a later call within 30 minutes');
      // Each viewer has their own 30 minutes, anonymous ones too.
      await fx.mod.client.TrackEvents({ events: [ev('VIEW', c.id)] });
      const anon = anonymous();
      await anon.TrackEvents({ events: [ev('VIEW', c.id), ev('VIEW', c.id)] });
      assert.equal((await totals(fx.ann.client, c.id)).views, 4);
      await anon.close();
    });

    it('should not count concurrent VIEWs of one viewer twice', async () => {
      const c = await publishedBy(fx.ann.client);
      await Promise.all(
        Array.from({ length: 8 }, () => fx.bob.client.TrackEvents({ events: [ev('VIEW', c.id)] })),
      );
      assert.equal((await totals(fx.ann.client, c.id)).views, 1);
    });

    it('should add WATCH seconds and count every SHARE', async () => {
      const c = await publishedBy(fx.ann.client);
      await fx.bob.client.TrackEvents({
        events: [
          ev('WATCH', c.id, { watchSeconds: 12.5 }),
          ev('WATCH', c.id, { watchSeconds: 3600 }),
          ev('SHARE', c.id),
          ev('SHARE', c.id),
        ],
      });
      assert.deepEqual(await totals(fx.ann.client, c.id), {
        views: 0,
        shares: 2,
        watchSeconds: 3612.5,
        likes: 0,
        comments: 0,
      });
    });

    it('should reject invalid events by index, and still count the valid ones', async () => {
      const c = await publishedBy(fx.ann.client);
      const { createContent: draft } = await fx.ann.client.CreateContent({
        input: { kind: 'ARTICLE', title: 'Draft', body: 'Body' },
      });
      const bad = [
        ev('VIEW', MISSING_ID),
        ev('VIEW', 'not-an-id'),
        ev('VIEW', draft.id),
        ev('WATCH', c.id),
        ev('WATCH', c.id, { watchSeconds: 0 }),
        ev('WATCH', c.id, { watchSeconds: 3600.5 }),
        ev('VIEW', c.id, { watchSeconds: 3 }),
        ev('SHARE', c.id, { occurredAt: minutesAgo(24 * 60 + 1) }),
        ev('SHARE', c.id, { occurredAt: minutesAgo(-2) }),
        ev('SHARE', c.id, { id: 'x'.repeat(101) }),
        ev('SHARE', c.id, { id: '' }),
      ];
      const fields = [
        'contentId',
        'contentId',
        'contentId',
        'watchSeconds',
        'watchSeconds',
        'watchSeconds',
        'watchSeconds',
        'occurredAt',
        'occurredAt',
        'id',
        'id',
      ];
      const events = [
        ev('SHARE', c.id),
        ...bad,
        ev('SHARE', c.id, { occurredAt: minutesAgo(23 * 60) }),
      ];
      const r = await post(
        fx.t.server.url,
        { query: TRACK, variables: { events } },
        { authorization: `Bearer ${fx.bob.token}` },
      );
      const data = r.body.data as {
        trackEvents: {
          accepted: number;
          duplicates: number;
          rejected: { index: number; code: string; message: string; field: string | null }[];
        };
      };
      assert.equal(data.trackEvents.accepted, 2);
      // Rejections are part of the result (the mutation succeeded for the rest), not errors.
      assert.equal(r.body.errors, undefined);
      const rejected = data.trackEvents.rejected;
      assert.equal(rejected.length, bad.length);
      for (const [i, e] of rejected.entries()) {
        assert.equal(e.code, 'BAD_USER_INPUT');
        assert.equal(e.index, i + 1);
        assert.equal(e.field, `events[${i + 1}].${fields[i]}`);
        assert.match(e.message, new RegExp(`^events\\[${i + 1}\\]\\.`));
      }
      assert.equal((await totals(fx.ann.client, c.id)).shares, 2);
      // A corrected retry of a rejected event counts: rejection does not burn its id.
      const retry = await fx.bob.client.TrackEvents({ events: [{ ...bad[8]!, occurredAt: null }] });
      assert.equal(retry.trackEvents.accepted, 1);
    });

    it('should refuse more than 500 events in one call', async () => {
      const c = await publishedBy(fx.ann.client);
      const events = Array.from({ length: 501 }, () => ev('SHARE', c.id));
      const e = await expectCode(fx.bob.client.TrackEvents({ events }), 'BAD_USER_INPUT');
      assert.equal(e.errors[0]?.extensions?.field, 'events');
      const ok = await fx.bob.client.TrackEvents({ events: events.slice(0, 500) });
      assert.equal(ok.trackEvents.accepted, 500);
      assert.equal((await totals(fx.ann.client, c.id)).shares, 500);
    });

    it('should take anonymous clients that identify themselves, and no one else', async () => {
      const c = await publishedBy(fx.ann.client);
      const nobody = anonymous(null);
      await expectCode(nobody.TrackEvents({ events: [ev('VIEW', c.id)] }), 'UNAUTHENTICATED');
      const badId = anonymous('short');
      const e = await expectCode(
        badId.TrackEvents({ events: [ev('VIEW', c.id)] }),
        'BAD_USER_INPUT',
      );
      assert.equal(e.errors[0]?.extensions?.field, 'x-anonymous-id');
      const anon = anonymous();
      const r = await anon.TrackEvents({ events: [ev('VIEW', c.id), ev('SHARE', c.id)] });
      assert.equal(r.trackEvents.accepted, 2);
      assert.deepEqual(
        [(await totals(fx.ann.client, c.id)).views, (await totals(fx.ann.client, c.id)).shares],
        [1, 1],
      );
      await Promise.all([nobody.close(), badId.close(), anon.close()]);
    });

    it('should take an empty batch', async () => {
      const r = await fx.bob.client.TrackEvents({ events: [] });
      assert.deepEqual(
        [r.trackEvents.accepted, r.trackEvents.duplicates, r.trackEvents.rejected],
        [0, 0, []],
      );
    });

    it('should count events on content archived later, and refuse new ones', async () => {
      const c = await publishedBy(fx.ann.client);
      await fx.bob.client.TrackEvents({ events: [ev('SHARE', c.id)] });
      await fx.ann.client.ArchiveContent({ id: c.id });
      const { trackEvents } = await fx.bob.client.TrackEvents({ events: [ev('SHARE', c.id)] });
      assert.deepEqual(
        [trackEvents.accepted, trackEvents.rejected[0]?.index, trackEvents.rejected[0]?.code],
        [0, 0, 'BAD_USER_INPUT'],
      );
      assert.equal(trackEvents.rejected[0]?.field, 'events[0].contentId');
      assert.equal((await totals(fx.ann.client, c.id)).shares, 1);
    });

    it('should keep ids unique per viewer even when they look alike in another case', async () => {
      const c = await publishedBy(fx.ann.client);
      const id = `Event-${randomUUID()}`;
      const r = await fx.bob.client.TrackEvents({
        events: [ev('SHARE', c.id, { id }), ev('SHARE', c.id, { id: id.toLowerCase() })],
      });
      assert.equal(r.trackEvents.accepted, 2);
    });
  });
}

const TRACK = `mutation Track($events: [TrackEventInput!]!) {
  trackEvents(events: $events) { accepted duplicates rejected { index code message field } }
}`;
