import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  activeCampaign,
  BACKGROUND,
  campaignInput,
  creative,
  HOUR,
  serve,
  track,
} from '../helpers/ads.js';
import type { MarqueeError } from '../../sdk/src/index.js';
import { expectCode } from '../helpers/errors.js';
import { reasonOf } from '../helpers/memberships.js';
import { keyOf, organizationOf } from '../helpers/partners.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const fieldOf = (e: MarqueeError) => e.errors[0]?.extensions?.field;

for (const target of targets()) {
  describe(`ads: managing campaigns (${target.name})`, () => {
    let t: TestServer;
    let owner: Awaited<ReturnType<TestServer['user']>>;
    let member: Awaited<ReturnType<TestServer['user']>>;
    let outsider: Awaited<ReturnType<TestServer['user']>>;
    let orgId: string;
    const now = Date.now();

    before(async () => {
      t = await bootServer(target, 'ads-manage');
      [owner, member, outsider] = await Promise.all([
        t.user('adowner'),
        t.user('admember'),
        t.user('adoutsider'),
      ]);
      orgId = (await organizationOf(owner.client)).id;
      await owner.client.AddOrganizationMember({
        organizationId: orgId,
        userId: member.id,
        role: 'MEMBER',
      });
    });
    after(() => t.close());

    it('should create a DRAFT campaign with its settings and empty stats', async () => {
      const input = campaignInput(now, {
        pacing: 'EVEN',
        targeting: { tags: [' Travel ', 'travel', 'food'], kinds: ['ARTICLE'] },
        frequencyCap: { impressions: 3, perHours: 24 },
      });
      const { createCampaign: c } = await owner.client.CreateCampaign({
        organizationId: orgId,
        input,
      });
      assert.equal(c.status, 'DRAFT');
      assert.equal(c.pacing, 'EVEN');
      assert.deepEqual(c.budget, { amountMinor: 1000, currency: 'USD' });
      assert.deepEqual(c.cpm, { amountMinor: 100, currency: 'USD' });
      assert.deepEqual(c.targeting, { tags: ['travel', 'food'], kinds: ['ARTICLE'] });
      assert.deepEqual(c.frequencyCap, { impressions: 3, perHours: 24 });
      assert.equal(c.organization.id, orgId);
      assert.deepEqual(c.creatives, []);
      assert.deepEqual(
        [c.stats.impressions, c.stats.clicks, c.stats.clickThroughRate, c.stats.reach],
        [0, 0, 0, 0],
      );
      assert.deepEqual(c.stats.spent, { amountMinor: 0, currency: 'USD' });
    });

    it('should refuse invalid campaigns and creatives with BAD_USER_INPUT naming the field', async () => {
      const bad: [Partial<Parameters<typeof campaignInput>[1]>, string][] = [
        [{ endsAt: new Date(now - 2 * HOUR).toISOString() }, 'input.endsAt'],
        [{ cpm: { amountMinor: 0, currency: 'USD' } }, 'input.cpm.amountMinor'],
        [{ cpm: { amountMinor: -5, currency: 'USD' } }, 'input.cpm.amountMinor'],
        [{ budget: { amountMinor: 0, currency: 'USD' } }, 'input.budget.amountMinor'],
        [{ cpm: { amountMinor: 100, currency: 'EUR' } }, 'input.cpm.currency'],
        [{ budget: { amountMinor: 100, currency: 'usd' } }, 'input.budget.currency'],
        [{ name: 'x'.repeat(101) }, 'name'],
        [{ name: '   ' }, 'name'],
        [
          { targeting: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } },
          'input.targeting.tags',
        ],
        [{ frequencyCap: { impressions: 0, perHours: 1 } }, 'input.frequencyCap.impressions'],
        [{ frequencyCap: { impressions: 1, perHours: 10_000 } }, 'input.frequencyCap.perHours'],
      ];
      for (const [extra, field] of bad) {
        const e = await expectCode(
          owner.client.CreateCampaign({ organizationId: orgId, input: campaignInput(now, extra) }),
          'BAD_USER_INPUT',
        );
        assert.equal(fieldOf(e), field, JSON.stringify(extra));
      }
      const { createCampaign: c } = await owner.client.CreateCampaign({
        organizationId: orgId,
        input: campaignInput(now),
      });
      for (const [input, field] of [
        [creative({ clickUrl: 'javascript:alert(1)' }), 'input.clickUrl'],
        [creative({ clickUrl: 'not a url' }), 'input.clickUrl'],
        [creative({ imageUrl: 'ftp://cdn.example/a.png' }), 'input.imageUrl'],
        [creative({ headline: '' }), 'input.headline'],
      ] as const) {
        const e = await expectCode(
          owner.client.AddCreative({ campaignId: c.id, input }),
          'BAD_USER_INPUT',
        );
        assert.equal(fieldOf(e), field);
      }
    });

    it('should need a creative to activate, and refuse illegal status changes', async () => {
      const { createCampaign: c } = await owner.client.CreateCampaign({
        organizationId: orgId,
        input: campaignInput(now),
      });
      const none = await expectCode(
        owner.client.SetCampaignStatus({ id: c.id, status: 'ACTIVE' }),
        'CONFLICT',
      );
      assert.equal(reasonOf(none), 'NO_CREATIVE');
      await owner.client.AddCreative({ campaignId: c.id, input: creative() });
      const paused = await expectCode(
        owner.client.SetCampaignStatus({ id: c.id, status: 'PAUSED' }),
        'CONFLICT',
      );
      assert.equal(reasonOf(paused), 'ILLEGAL_TRANSITION');
      const steps = ['ACTIVE', 'PAUSED', 'ACTIVE'] as const;
      for (const status of steps)
        assert.equal(
          (await owner.client.SetCampaignStatus({ id: c.id, status })).setCampaignStatus.status,
          status,
        );
      for (const status of ['DRAFT', 'ENDED'] as const)
        assert.equal(
          reasonOf(
            await expectCode(owner.client.SetCampaignStatus({ id: c.id, status }), 'CONFLICT'),
          ),
          'ILLEGAL_TRANSITION',
        );
    });

    it('should never lower the budget below what is spent', async () => {
      // 500 USD CPM: 50 cents an impression.
      const c = await activeCampaign(
        owner.client,
        orgId,
        campaignInput(now, { cpm: { amountMinor: 50_000, currency: 'USD' } }),
      );
      const [ad] = await serve(owner.client);
      assert.ok(ad);
      assert.deepEqual(await track(owner.client, [ad.impressionToken]), {
        accepted: 1,
        rejected: 0,
      });
      const e = await expectCode(
        owner.client.UpdateCampaign({
          id: c.id,
          input: { budget: { amountMinor: 49, currency: 'USD' } },
        }),
        'BAD_USER_INPUT',
      );
      assert.deepEqual(
        [fieldOf(e), reasonOf(e)],
        ['input.budget.amountMinor', 'BUDGET_BELOW_SPEND'],
      );
      const currency = await expectCode(
        owner.client.UpdateCampaign({
          id: c.id,
          input: { budget: { amountMinor: 900, currency: 'EUR' } },
        }),
        'BAD_USER_INPUT',
      );
      assert.equal(reasonOf(currency), 'CURRENCY_MISMATCH');
      const { updateCampaign } = await owner.client.UpdateCampaign({
        id: c.id,
        input: { budget: { amountMinor: 50, currency: 'USD' }, name: 'Renamed' },
      });
      assert.deepEqual(
        [
          updateCampaign.name,
          updateCampaign.budget.amountMinor,
          updateCampaign.stats.spent.amountMinor,
        ],
        ['Renamed', 50, 50],
      );
      await owner.client.SetCampaignStatus({ id: c.id, status: 'PAUSED' });
    });

    it('should let members read, owners and admins write, and keep outsiders out', async () => {
      const { createCampaign: c } = await owner.client.CreateCampaign({
        organizationId: orgId,
        input: campaignInput(now),
      });
      assert.ok((await member.client.Campaigns({ organizationId: orgId })).campaigns.length >= 1);
      assert.equal((await member.client.Campaign({ id: c.id })).campaign?.id, c.id);
      assert.equal(
        reasonOf(
          await expectCode(
            member.client.CreateCampaign({ organizationId: orgId, input: campaignInput(now) }),
            'FORBIDDEN',
          ),
        ),
        'NOT_ORGANIZATION_ADMIN',
      );
      await expectCode(
        member.client.UpdateCampaign({ id: c.id, input: { name: 'Mine' } }),
        'FORBIDDEN',
      );
      // Outsiders: nothing tells an existing campaign from a missing one.
      assert.equal((await outsider.client.Campaign({ id: c.id })).campaign, null);
      assert.equal((await outsider.client.Campaign({ id: MISSING_ID })).campaign, null);
      for (const id of [c.id, MISSING_ID]) {
        await expectCode(outsider.client.UpdateCampaign({ id, input: { name: 'x' } }), 'NOT_FOUND');
        await expectCode(
          outsider.client.AddCreative({ campaignId: id, input: creative() }),
          'NOT_FOUND',
        );
        await expectCode(outsider.client.SetCampaignStatus({ id, status: 'ACTIVE' }), 'NOT_FOUND');
      }
      await expectCode(outsider.client.Campaigns({ organizationId: orgId }), 'FORBIDDEN');
      await expectCode(
        outsider.client.CreateCampaign({ organizationId: orgId, input: campaignInput(now) }),
        'FORBIDDEN',
      );
      await expectCode(
        outsider.client.CreateCampaign({ organizationId: MISSING_ID, input: campaignInput(now) }),
        'NOT_FOUND',
      );
      await expectCode(t.client().Campaigns({ organizationId: orgId }), 'UNAUTHENTICATED');
    });

    it('should let a key with ADS_MANAGE manage its own organisation only', async () => {
      const manager = await keyOf(t, owner.client, orgId, ['ADS_MANAGE']);
      const reader = await keyOf(t, owner.client, orgId, ['CONTENT_READ']);
      const { createCampaign: c } = await manager.keyed.CreateCampaign({
        organizationId: orgId,
        input: campaignInput(now),
      });
      await manager.keyed.AddCreative({ campaignId: c.id, input: creative() });
      assert.equal(
        (await manager.keyed.SetCampaignStatus({ id: c.id, status: 'ACTIVE' })).setCampaignStatus
          .status,
        'ACTIVE',
      );
      assert.ok(
        (await manager.keyed.Campaigns({ organizationId: orgId })).campaigns.some(
          (x) => x.id === c.id,
        ),
      );
      await manager.keyed.SetCampaignStatus({ id: c.id, status: 'PAUSED' });
      for (const call of [
        () => reader.keyed.Campaigns({ organizationId: orgId }),
        () => reader.keyed.Campaign({ id: c.id }),
        () => reader.keyed.CreateCampaign({ organizationId: orgId, input: campaignInput(now) }),
      ])
        assert.equal(reasonOf(await expectCode(call(), 'FORBIDDEN')), 'MISSING_SCOPE');
      // A key of another organisation, even with the scope.
      const rival = await t.user('adrival');
      const rivalOrg = await organizationOf(rival.client);
      const rivalKey = await keyOf(t, rival.client, rivalOrg.id, ['ADS_MANAGE']);
      assert.equal((await rivalKey.keyed.Campaign({ id: c.id })).campaign, null);
      await expectCode(rivalKey.keyed.Campaigns({ organizationId: orgId }), 'FORBIDDEN');
      await expectCode(
        rivalKey.keyed.CreateCampaign({ organizationId: orgId, input: campaignInput(now) }),
        'FORBIDDEN',
      );
      await expectCode(
        rivalKey.keyed.UpdateCampaign({ id: c.id, input: { name: 'x' } }),
        'NOT_FOUND',
      );
      for (const k of [manager, reader, rivalKey]) k.keyed.close();
    });

    it('should list campaigns with their creatives and stats in a fixed number of statements', async () => {
      const other = await t.user('adlister');
      const org = await organizationOf(other.client);
      // Background tasks may run during a request: the fewest statements of three tries.
      const count = async () => {
        let fewest = Infinity;
        for (let i = 0; i < 3; i++) {
          t.queries.length = 0;
          await other.client.Campaigns({ organizationId: org.id });
          fewest = Math.min(fewest, t.queries.filter((q) => !BACKGROUND.test(q)).length);
        }
        return fewest;
      };
      await activeCampaign(other.client, org.id, campaignInput(now));
      const one = await count();
      for (let i = 0; i < 4; i++)
        await activeCampaign(other.client, org.id, campaignInput(now), [creative(), creative()]);
      assert.equal(await count(), one);
      assert.equal(
        (await other.client.Campaigns({ organizationId: org.id, status: 'ACTIVE' })).campaigns
          .length,
        5,
      );
    });
  });
}
