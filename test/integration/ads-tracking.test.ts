import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  activeCampaign,
  anonymousOf,
  campaignInput,
  creative,
  HOUR,
  manualClock,
  serve,
  track,
} from '../helpers/ads.js';
import { published } from '../helpers/content.js';
import { expectCode } from '../helpers/errors.js';
import { organizationOf } from '../helpers/partners.js';
import { bootServer, type Client, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`ads: tracking, charging and pacing (${target.name})`, () => {
    const clock = manualClock();
    let t: TestServer;
    let brand: Awaited<ReturnType<TestServer['user']>>;
    let reader: Awaited<ReturnType<TestServer['user']>>;
    let other: Awaited<ReturnType<TestServer['user']>>;
    let orgId: string;

    /** A published content tagged `tag` and an ACTIVE campaign targeting it. */
    async function setUp(tag: string, extra: Parameters<typeof campaignInput>[1] = {}) {
      const content = await published(reader.client, { tags: [tag] });
      const campaign = await activeCampaign(
        brand.client,
        orgId,
        campaignInput(clock.t, { name: tag, targeting: { tags: [tag] }, ...extra }),
        [creative({ headline: tag })],
      );
      return { contentId: content.id, campaign };
    }
    const tokenFor = async (c: Client, contentId: string) => {
      const [ad] = await serve(c, { contentId });
      return ad?.impressionToken ?? null;
    };
    const stats = async (id: string) => (await brand.client.Campaign({ id })).campaign!;
    /** Serves and tracks one impression at a time until nothing is served; returns how many counted. */
    async function drain(contentId: string): Promise<number> {
      let accepted = 0;
      for (let token = await tokenFor(reader.client, contentId); token;) {
        accepted += (await track(reader.client, [token])).accepted;
        token = await tokenFor(reader.client, contentId);
        assert.ok(accepted < 100, 'serving never stopped');
      }
      return accepted;
    }

    before(async () => {
      t = await bootServer(target, 'ads-tracking', { now: clock.now });
      [brand, reader, other] = await Promise.all([
        t.user('trbrand'),
        t.user('trreader'),
        t.user('trother'),
      ]);
      orgId = (await organizationOf(brand.client)).id;
    });
    after(() => t.close());

    it('should count an impression once per token and a click once, only after its impression', async () => {
      const { contentId, campaign } = await setUp('clicks');
      const token = (await tokenFor(reader.client, contentId))!;
      assert.deepEqual(await track(reader.client, [token], 'CLICK'), { accepted: 0, rejected: 1 });
      assert.deepEqual(await track(reader.client, [token]), { accepted: 1, rejected: 0 });
      assert.deepEqual(await track(reader.client, [token]), { accepted: 0, rejected: 1 });
      assert.deepEqual(await track(reader.client, [token], 'CLICK'), { accepted: 1, rejected: 0 });
      assert.deepEqual(await track(reader.client, [token], 'CLICK'), { accepted: 0, rejected: 1 });
      const c = await stats(campaign.id);
      assert.deepEqual(
        [c.stats.impressions, c.stats.clicks, c.stats.clickThroughRate, c.stats.reach],
        [1, 1, 1, 1],
      );
    });

    it('should reject forged tokens, other viewers and expired tokens, counting them nowhere', async () => {
      const { contentId, campaign } = await setUp('forgery');
      const token = (await tokenFor(reader.client, contentId))!;
      const [payload, signature] = token.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const reforged = Buffer.from(JSON.stringify({ ...claims, viewer: `u:${other.id}` })).toString(
        'base64url',
      );
      const forged = [
        'garbage',
        '',
        `${payload}.`,
        `${payload}.${signature.slice(0, -2)}AA`,
        `${reforged}.${signature}`,
        'x'.repeat(5000),
      ];
      assert.deepEqual(await track(other.client, forged), { accepted: 0, rejected: forged.length });
      // Another viewer's token: someone else, or nobody signed in (with or without an id).
      assert.deepEqual(await track(other.client, [token]), { accepted: 0, rejected: 1 });
      assert.deepEqual(await track(anonymousOf(t), [token]), { accepted: 0, rejected: 1 });
      assert.deepEqual(await track(anonymousOf(t, null), [token]), { accepted: 0, rejected: 1 });
      // An hour later it has expired.
      clock.advance(HOUR + 1);
      assert.deepEqual(await track(reader.client, [token]), { accepted: 0, rejected: 1 });
      const c = await stats(campaign.id);
      assert.deepEqual([c.stats.impressions, c.stats.spent.amountMinor, c.stats.reach], [0, 0, 0]);
      // A fresh one still counts.
      const fresh = (await tokenFor(reader.client, contentId))!;
      assert.deepEqual(await track(reader.client, [fresh]), { accepted: 1, rejected: 0 });
      await expectCode(
        track(
          reader.client,
          Array.from({ length: 101 }, () => fresh),
        ),
        'BAD_USER_INPUT',
      );
    });

    it('should charge cpm / 1000 per impression with fractions carried exactly', async () => {
      // 333 minor units per thousand: 0.333 cents an impression.
      const { contentId, campaign } = await setUp('fractions', {
        cpm: { amountMinor: 333, currency: 'USD' },
      });
      const spent: number[] = [];
      for (let i = 0; i < 4; i++) {
        await track(reader.client, [(await tokenFor(reader.client, contentId))!]);
        spent.push((await stats(campaign.id)).stats.spent.amountMinor);
      }
      assert.deepEqual(spent, [0, 0, 0, 1]);
      const from = new Date(clock.t - HOUR).toISOString();
      const to = new Date(clock.t + HOUR).toISOString();
      const series = async (metric: 'AD_IMPRESSIONS' | 'AD_CLICKS') =>
        (
          await brand.client.CampaignSeries({
            campaignId: campaign.id,
            metric,
            interval: 'HOUR',
            from,
            to,
          })
        ).metricSeries.reduce((sum, p) => sum + p.value, 0);
      assert.equal(await series('AD_IMPRESSIONS'), 4);
      assert.equal(await series('AD_CLICKS'), 0);
      await expectCode(
        other.client.CampaignSeries({
          campaignId: campaign.id,
          metric: 'AD_IMPRESSIONS',
          from,
          to,
        }),
        'NOT_FOUND',
      );
      await expectCode(
        brand.client.CampaignSeries({ campaignId: campaign.id, metric: 'VIEWS', from, to }),
        'BAD_USER_INPUT',
      );
    });

    it('should pace EVEN spend to the elapsed share of the flight plus 5%, at serving and at charge time', async () => {
      // 20 USD, 1 USD an impression (CPM 1 000 USD): 20 impressions over a 10-hour flight.
      const start = clock.t;
      const { contentId, campaign } = await setUp('even', {
        pacing: 'EVEN',
        budget: { amountMinor: 2000, currency: 'USD' },
        cpm: { amountMinor: 100_000, currency: 'USD' },
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 10 * HOUR).toISOString(),
      });
      // At the start, 5% of the budget: one impression. Two served before either is tracked:
      // the charge refuses the one past the pace.
      const early = [
        (await tokenFor(reader.client, contentId))!,
        (await tokenFor(reader.client, contentId))!,
      ];
      assert.deepEqual(await track(reader.client, early), { accepted: 1, rejected: 1 });
      assert.equal(await tokenFor(reader.client, contentId), null);
      // A quarter in: 25% + 5% = 6 USD.
      clock.advance(2.5 * HOUR);
      assert.equal(await drain(contentId), 5);
      assert.equal((await stats(campaign.id)).stats.spent.amountMinor, 600);
      // Near the end, the whole budget; then it has ended.
      clock.advance(7.5 * HOUR - 1000);
      assert.equal(await drain(contentId), 14);
      const done = await stats(campaign.id);
      assert.deepEqual(
        [done.status, done.stats.impressions, done.stats.spent.amountMinor],
        ['ENDED', 20, 2000],
      );
    });

    it('should spend ASAP budgets at once and end the campaign when the next impression would not fit', async () => {
      const { contentId, campaign } = await setUp('asap', {
        budget: { amountMinor: 550, currency: 'USD' },
        cpm: { amountMinor: 100_000, currency: 'USD' },
      });
      const tokens: string[] = [];
      for (let i = 0; i < 7; i++) tokens.push((await tokenFor(reader.client, contentId))!);
      assert.deepEqual(await track(reader.client, tokens), { accepted: 5, rejected: 2 });
      const c = await stats(campaign.id);
      assert.deepEqual([c.status, c.stats.spent.amountMinor], ['ENDED', 500]);
      assert.equal(await tokenFor(reader.client, contentId), null);
      await expectCode(
        brand.client.SetCampaignStatus({ id: campaign.id, status: 'ACTIVE' }),
        'CONFLICT',
      );
    });

    it('should end a campaign whose flight is over', async () => {
      const { contentId, campaign } = await setUp('flight', {
        endsAt: new Date(clock.t + HOUR).toISOString(),
      });
      const token = (await tokenFor(reader.client, contentId))!;
      clock.advance(HOUR);
      assert.equal(await tokenFor(reader.client, contentId), null);
      assert.deepEqual(await track(reader.client, [token]), { accepted: 0, rejected: 1 });
      assert.equal((await stats(campaign.id)).stats.impressions, 0);
    });
  });
}
