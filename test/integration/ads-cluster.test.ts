import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { activeCampaign, campaignInput, creative, serve } from '../helpers/ads.js';
import { published, until } from '../helpers/content.js';
import { organizationOf } from '../helpers/partners.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// The budget across processes: two server processes on one PostgreSQL and one Redis (on
// the embedded default, one process: its in-process pub/sub and caps are its own) track
// impressions of one campaign at once; exactly what the budget pays for is charged.
const N = 10;

for (const target of targets()) {
  const cluster = target.name === 'postgresql+redis';
  describe(`ads: one budget, concurrent tracking (${target.name}, ${cluster ? 'two processes' : 'one process'})`, () => {
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      a = await bootServer(target, 'ads-cluster');
      b = cluster ? await bootServer(target, 'ads-cluster', { storage: a.storage }) : a;
    });
    after(async () => {
      if (b !== a) await b.close();
      await a.close();
    });

    it(`should charge exactly ${N} impressions of a budget for ${N}, then serve it nowhere`, async () => {
      const brand = await a.user('clbrand');
      const org = await organizationOf(brand.client);
      const viewer = await a.user('clviewer');
      const onB = b.client(viewer.token);
      const content = await published(viewer.client, { tags: ['cluster'] });
      // 1 USD an impression, 10 USD: exactly ten.
      const campaign = await activeCampaign(
        brand.client,
        org.id,
        campaignInput(Date.now(), {
          budget: { amountMinor: N * 100, currency: 'USD' },
          cpm: { amountMinor: 100_000, currency: 'USD' },
          targeting: { tags: ['cluster'] },
        }),
        [creative({ headline: 'cluster' })],
      );
      // The other process has it once its change announcement (or its refresh) arrived.
      await until('process b to serve the campaign', async () =>
        (await serve(onB, { contentId: content.id })).length ? true : null,
      );
      const tokens: { token: string; via: typeof onB }[] = [];
      for (let i = 0; i < 3 * N; i++) {
        const via = i % 2 ? onB : viewer.client;
        const [ad] = await serve(via, { contentId: content.id });
        tokens.push({ token: ad!.impressionToken, via });
      }
      // Every token in its own request, all at once, half to each process.
      const results = await Promise.all(
        tokens.map(({ token, via }) =>
          via.TrackAdEvents({ events: [{ impressionToken: token, type: 'IMPRESSION' }] }),
        ),
      );
      const accepted = results.reduce((n, r) => n + r.trackAdEvents.accepted, 0);
      assert.equal(accepted, N);
      const { campaign: stored } = await brand.client.Campaign({ id: campaign.id });
      assert.deepEqual(
        [stored!.status, stored!.stats.impressions, stored!.stats.spent.amountMinor],
        ['ENDED', N, N * 100],
      );
      for (const via of [viewer.client, onB])
        await until('the ended campaign to leave every process', async () =>
          (await serve(via, { contentId: content.id })).length ? null : true,
        );
    });
  });
}
