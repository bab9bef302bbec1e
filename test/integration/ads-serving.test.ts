import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  activeCampaign,
  anonymousOf,
  BACKGROUND,
  campaignInput,
  creative,
  serve,
  track,
} from '../helpers/ads.js';
import { draft, PNG, published } from '../helpers/content.js';
import { expectCode } from '../helpers/errors.js';
import { join, tierOf } from '../helpers/memberships.js';
import { organizationOf } from '../helpers/partners.js';
import { bootServer, type Client, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const headlines = (ads: { creative: { headline: string } }[]) =>
  ads.map((a) => a.creative.headline);

for (const target of targets()) {
  describe(`ads: serving (${target.name})`, () => {
    let t: TestServer;
    let brand: Awaited<ReturnType<TestServer['user']>>;
    let author: Awaited<ReturnType<TestServer['user']>>;
    let reader: Awaited<ReturnType<TestServer['user']>>;
    let orgId: string;
    const now = Date.now();

    /** An ACTIVE campaign whose one creative's headline is `name`. */
    const campaign = (name: string, extra: Parameters<typeof campaignInput>[1] = {}) =>
      activeCampaign(brand.client, orgId, campaignInput(now, { name, ...extra }), [
        creative({ headline: name }),
      ]);
    const pause = (id: string) => brand.client.SetCampaignStatus({ id, status: 'PAUSED' });

    before(async () => {
      t = await bootServer(target, 'ads-serving');
      [brand, author, reader] = await Promise.all([
        t.user('adbrand'),
        t.user('adauthor'),
        t.user('adreader'),
      ]);
      orgId = (await organizationOf(brand.client, 'Brand')).id;
    });
    after(() => t.close());

    it('should match tags and kinds, best CPM first, untargeted campaigns everywhere', async () => {
      const article = await published(author.client, { tags: ['Travel'] });
      const image = await published(author.client, {
        kind: 'IMAGE',
        tags: ['travel', 'food'],
        media: [PNG],
      });
      const untagged = await published(author.client, { title: 'Nothing to target' });
      await campaign('any travel', {
        cpm: { amountMinor: 200, currency: 'USD' },
        targeting: { tags: ['travel'] },
      });
      await campaign('travel images', {
        cpm: { amountMinor: 300, currency: 'USD' },
        targeting: { tags: ['travel', 'boats'], kinds: ['IMAGE'] },
      });
      await campaign('food', {
        cpm: { amountMinor: 100, currency: 'USD' },
        targeting: { tags: ['food'] },
      });
      const everywhere = await campaign('everywhere', {
        cpm: { amountMinor: 150, currency: 'USD' },
      });

      const beside = async (contentId: string | null) =>
        headlines(await serve(reader.client, { contentId, first: 10 }));
      assert.deepEqual(await beside(article.id), ['any travel', 'everywhere']);
      assert.deepEqual(await beside(image.id), [
        'travel images',
        'any travel',
        'everywhere',
        'food',
      ]);
      assert.deepEqual(await beside(untagged.id), ['everywhere']);
      // Without a content: untargeted campaigns only.
      assert.deepEqual(await beside(null), ['everywhere']);
      assert.deepEqual(headlines(await serve(reader.client, { contentId: image.id, first: 2 })), [
        'travel images',
        'any travel',
      ]);
      const [ad] = await serve(anonymousOf(t), { contentId: article.id });
      assert.deepEqual([ad?.sponsor.id, ad?.sponsor.name], [orgId, 'Brand']);
      await pause(everywhere.id);
      assert.deepEqual(await beside(null), []);
    });

    it('should refuse a first outside 1..10 and a malformed placement', async () => {
      for (const first of [0, 11, -1])
        await expectCode(serve(reader.client, { first }), 'BAD_USER_INPUT');
      await expectCode(serve(reader.client, { placement: 'Side Bar!' }), 'BAD_USER_INPUT');
    });

    it('should rotate ties evenly and each campaign creatives in turn', async () => {
      const c = await published(author.client, { tags: ['rotation'] });
      await campaign('tie a', { targeting: { tags: ['rotation'] } });
      await campaign('tie b', { targeting: { tags: ['rotation'] } });
      const seen = new Map<string, number>();
      for (let i = 0; i < 60; i++) {
        const [ad] = await serve(reader.client, { contentId: c.id });
        seen.set(ad!.creative.headline, (seen.get(ad!.creative.headline) ?? 0) + 1);
      }
      // Random tie-breaking: each gets a fair share (p of fewer than 10 of 60 is below 1e-7).
      assert.deepEqual([...seen.keys()].sort(), ['tie a', 'tie b']);
      for (const n of seen.values()) assert.ok(n >= 10, `unfair rotation: ${[...seen.values()]}`);

      const many = await published(author.client, { tags: ['creatives'] });
      await activeCampaign(
        brand.client,
        orgId,
        campaignInput(now, { targeting: { tags: ['creatives'] } }),
        ['one', 'two', 'three'].map((headline) => creative({ headline })),
      );
      const shown = new Map<string, number>();
      for (let i = 0; i < 30; i++) {
        const [ad] = await serve(reader.client, { contentId: many.id });
        shown.set(ad!.creative.headline, (shown.get(ad!.creative.headline) ?? 0) + 1);
      }
      assert.deepEqual(Object.fromEntries(shown), { one: 10, two: 10, three: 10 });
    });

    it('should cap impressions per signed-in viewer and per anonymous id, never an anonymous viewer without one', async () => {
      const c = await published(author.client, { tags: ['capped'] });
      await campaign('capped', {
        targeting: { tags: ['capped'] },
        frequencyCap: { impressions: 2, perHours: 1 },
      });
      const viewTwice = async (client: Client) => {
        // Served but not tracked: not counted, and refused once the cap is reached.
        const [early] = await serve(client, { contentId: c.id });
        for (let i = 0; i < 2; i++) {
          const [ad] = await serve(client, { contentId: c.id });
          assert.equal(ad?.creative.headline, 'capped');
          assert.deepEqual(await track(client, [ad.impressionToken]), { accepted: 1, rejected: 0 });
        }
        assert.deepEqual(await serve(client, { contentId: c.id }), []);
        assert.deepEqual(await track(client, [early!.impressionToken]), {
          accepted: 0,
          rejected: 1,
        });
      };
      await viewTwice(reader.client);
      const other = await t.user('adreader2');
      assert.equal(
        (await serve(other.client, { contentId: c.id }))[0]?.creative.headline,
        'capped',
      );
      const id = `anon-capped-${process.pid}`;
      await viewTwice(anonymousOf(t, id));
      // The same anonymous id on another client is the same viewer.
      assert.deepEqual(await serve(anonymousOf(t, id), { contentId: c.id }), []);
      assert.equal(
        (await serve(anonymousOf(t), { contentId: c.id }))[0]?.creative.headline,
        'capped',
      );
      assert.deepEqual(await serve(anonymousOf(t, null), { contentId: c.id }), []);
    });

    it('should show no ads beside content the viewer may not read', async () => {
      const hidden = await draft(author.client, { tags: ['drafted'] });
      await campaign('beside drafts', { targeting: { tags: ['drafted'] } });
      assert.deepEqual(await serve(reader.client, { contentId: hidden.id }), []);
      assert.deepEqual(await serve(anonymousOf(t), { contentId: hidden.id }), []);
      assert.deepEqual(await serve(reader.client, { contentId: MISSING_ID }), []);
      assert.deepEqual(await serve(reader.client, { contentId: 'not-an-id' }), []);
      // Its author may read it.
      assert.deepEqual(headlines(await serve(author.client, { contentId: hidden.id })), [
        'beside drafts',
      ]);
    });

    it("should show no ads to members of the author's paid tiers", async () => {
      const creator = await t.user('adcreator');
      const c = await published(creator.client, { tags: ['perk'] });
      await campaign('perk', { targeting: { tags: ['perk'] } });
      const { createTier: paid } = await creator.client.CreateTier({
        input: { name: 'Gold', price: { amountMinor: 500, currency: 'USD' }, interval: 'MONTH' },
      });
      const free = await tierOf(creator.client, { name: 'Free' });
      const [fan, freeFan] = await Promise.all([t.user('adfan'), t.user('adfreefan')]);
      assert.equal(headlines(await serve(fan.client, { contentId: c.id }))[0], 'perk');
      const { joinTier } = await fan.client.JoinTier({ tierId: paid.id });
      // Pending until paid: still shown ads.
      assert.equal(headlines(await serve(fan.client, { contentId: c.id }))[0], 'perk');
      assert.equal((await fetch(joinTier.checkoutUrl!, { method: 'POST' })).status, 200);
      assert.deepEqual(await serve(fan.client, { contentId: c.id }), []);
      await join(freeFan.client, free.id);
      assert.equal(headlines(await serve(freeFan.client, { contentId: c.id }))[0], 'perk');
      assert.equal(headlines(await serve(creator.client, { contentId: c.id }))[0], 'perk');
    });

    it('should answer from memory: no statement without a content, the read checks with one', async () => {
      const c = await published(author.client, { tags: ['counted'] });
      const everywhere = await campaign('counted', {});
      const anonymous = anonymousOf(t);
      // Background tasks may run during a request: the fewest statements of three tries.
      const statements = async (client: Client, contentId: string | null) => {
        let fewest: string[] | null = null;
        for (let i = 0; i < 3; i++) {
          t.queries.length = 0;
          const ads = await serve(client, { contentId, first: 10 });
          assert.ok(ads.length >= 1);
          const mine = t.queries.filter((q) => !BACKGROUND.test(q));
          if (!fewest || mine.length < fewest.length) fewest = mine;
        }
        return fewest!;
      };
      assert.deepEqual(await statements(anonymous, null), []);
      // The content's read check, by content's own find.
      assert.equal((await statements(anonymous, c.id)).length, 1);
      // Signed in: the viewer (every request), the content, the paid-member check.
      const signedIn = await statements(reader.client, c.id);
      assert.equal(signedIn.length, 3, signedIn.join('\n'));
      await pause(everywhere.id);
    });
  });
}
