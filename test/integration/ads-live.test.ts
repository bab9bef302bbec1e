import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { activeCampaign, campaignInput, creative, serve, track } from '../helpers/ads.js';
import { published } from '../helpers/content.js';
import { expectCode } from '../helpers/errors.js';
import { reasonOf } from '../helpers/memberships.js';
import { keyOf, organizationOf } from '../helpers/partners.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';
import { nextMatching, Stream } from '../helpers/ws.js';

/** A stream that hangs instead of delivering or ending fails the test instead of the run. */
const guard = { timeout: 30_000 };

for (const target of targets()) {
  describe(`ads: live campaign stats (${target.name})`, () => {
    let t: TestServer;
    let owner: Awaited<ReturnType<TestServer['user']>>;
    let member: Awaited<ReturnType<TestServer['user']>>;
    let outsider: Awaited<ReturnType<TestServer['user']>>;
    let reader: Awaited<ReturnType<TestServer['user']>>;
    let orgId: string;

    async function setUp(tag: string) {
      const content = await published(reader.client, { tags: [tag] });
      const campaign = await activeCampaign(
        owner.client,
        orgId,
        campaignInput(Date.now(), { targeting: { tags: [tag] } }),
        [creative({ headline: tag })],
      );
      const tokens = async (n: number) => {
        const out: string[] = [];
        for (let i = 0; i < n; i++)
          out.push((await serve(reader.client, { contentId: content.id }))[0]!.impressionToken);
        return out;
      };
      return { campaign, tokens };
    }

    before(async () => {
      // Rechecks every 200 ms, so a removed member's stream ends quickly; one tick a second.
      t = await bootServer(target, 'ads-live', { env: { ADS_RECHECK_MS: '200' } });
      [owner, member, outsider, reader] = await Promise.all([
        t.user('liveowner'),
        t.user('livemember'),
        t.user('liveoutsider'),
        t.user('livereader'),
      ]);
      orgId = (await organizationOf(owner.client)).id;
      await owner.client.AddOrganizationMember({ organizationId: orgId, userId: member.id });
    });
    after(() => t.close());

    it(
      'should send the stats at once, then coalesced updates shared by every subscriber',
      guard,
      async () => {
        const { campaign, tokens } = await setUp('live');
        const a = new Stream(owner.client.CampaignStats({ campaignId: campaign.id }));
        const b = new Stream(member.client.CampaignStats({ campaignId: campaign.id }));
        const [first, alsoFirst] = [(await a.next()).campaignStats, (await b.next()).campaignStats];
        assert.deepEqual([first.impressions, first.clicks, first.reach], [0, 0, 0]);
        assert.deepEqual(alsoFirst, first);
        const batch = await tokens(10);
        assert.deepEqual(await track(reader.client, batch), { accepted: 10, rejected: 0 });
        const seenA = await nextMatching(a, (v) => v.campaignStats.impressions === 10);
        const seenB = await nextMatching(b, (v) => v.campaignStats.impressions === 10);
        // Ten impressions in one call: at most one update per tick, not one per impression.
        assert.ok(seenA.length <= 2, `${seenA.length} updates for one batch`);
        assert.deepEqual(seenB.at(-1), seenA.at(-1));
        const last = seenA.at(-1)!.campaignStats;
        assert.deepEqual(
          [last.impressions, last.clicks, last.reach, last.spent],
          [10, 0, 1, { amountMinor: 1, currency: 'USD' }],
        );
        await track(reader.client, [batch[0]!], 'CLICK');
        const clicked = (await nextMatching(a, (v) => v.campaignStats.clicks === 1)).at(-1)!;
        assert.equal(clicked.campaignStats.clickThroughRate, 0.1);
        await Promise.all([a.return(), b.return()]);
      },
    );

    it(
      'should refuse outsiders and keys without ADS_MANAGE, and admit the organisation key',
      guard,
      async () => {
        const { campaign } = await setUp('live-refusals');
        await expectCode(
          new Stream(outsider.client.CampaignStats({ campaignId: campaign.id })).next(),
          'NOT_FOUND',
        );
        await expectCode(
          new Stream(t.client().CampaignStats({ campaignId: campaign.id })).next(),
          'UNAUTHENTICATED',
        );
        const reading = await keyOf(t, owner.client, orgId, ['CONTENT_READ']);
        const e = await expectCode(
          new Stream(reading.keyed.CampaignStats({ campaignId: campaign.id })).next(),
          'FORBIDDEN',
        );
        assert.equal(reasonOf(e), 'MISSING_SCOPE');
        const managing = await keyOf(t, owner.client, orgId, ['ADS_MANAGE']);
        const keyed = new Stream(managing.keyed.CampaignStats({ campaignId: campaign.id }));
        assert.equal((await keyed.next()).campaignStats.impressions, 0);
        await keyed.return();
        reading.keyed.close();
        managing.keyed.close();
      },
    );

    it('should end the stream of a member removed from the organisation', guard, async () => {
      const { campaign } = await setUp('live-removed');
      const leaving = await t.user('liveleaving');
      await owner.client.AddOrganizationMember({ organizationId: orgId, userId: leaving.id });
      const s = new Stream(leaving.client.CampaignStats({ campaignId: campaign.id }));
      await s.next();
      await owner.client.RemoveOrganizationMember({ organizationId: orgId, userId: leaving.id });
      await s.ended();
    });
  });
}
