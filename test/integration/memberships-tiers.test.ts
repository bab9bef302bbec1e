import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectCode } from '../helpers/errors.js';
import { contentSuite, fx, newUser } from '../helpers/content.js';
import { join, reasonOf, tierOf } from '../helpers/memberships.js';
import { targets } from '../helpers/targets.js';
import { codeOf, post } from '../helpers/http.js';
import { Membership, Tier } from '../../src/modules/memberships/index.js';

const count = (entity: typeof Tier | typeof Membership, where: object = {}) =>
  fx.t.server.orm.em.fork().count(entity as typeof Tier, where);

for (const target of targets()) {
  describe(`memberships: tiers and joining (${target.name})`, () => {
    contentSuite(target, 'memberships-tiers');

    it('should create tiers with an exact price, list open ones cheapest first, and never change a price', async () => {
      const creator = await newUser('creator');
      const gold = await tierOf(creator.client, {
        name: ' Gold ',
        description: 'Everything',
        price: { amountMinor: 1299, currency: 'EUR' },
        interval: 'YEAR',
        perks: ['Early access', ' Q&A '],
      });
      assert.deepEqual(
        [gold.name, gold.price, gold.interval, gold.perks, gold.archived],
        ['Gold', { amountMinor: 1299, currency: 'EUR' }, 'YEAR', ['Early access', 'Q&A'], false],
      );
      const free = await tierOf(creator.client, { name: 'Free' });
      assert.equal(free.interval, 'MONTH');
      const yen = await tierOf(creator.client, {
        name: 'Yen',
        price: { amountMinor: 500, currency: 'JPY' },
      });
      const { user } = await fx.bob.client.UserTiers({ id: creator.id });
      assert.deepEqual(
        user?.tiers.map((t) => t.name),
        ['Free', 'Yen', 'Gold'],
      );
      const updated = await creator.client.UpdateTier({
        id: gold.id,
        input: { name: 'Gold+', perks: [] },
      });
      assert.deepEqual([updated.updateTier.name, updated.updateTier.perks], ['Gold+', []]);
      assert.deepEqual(updated.updateTier.price, { amountMinor: 1299, currency: 'EUR' });
      // The price is not part of UpdateTierInput at all: the schema refuses it.
      const refused = await post(
        fx.t.server.url,
        {
          query:
            'mutation($id: ID!) { updateTier(id: $id, input: { price: { amountMinor: 1, currency: "EUR" } }) { id } }',
          variables: { id: gold.id },
        },
        { authorization: `Bearer ${creator.token}` },
      );
      assert.equal(codeOf(refused), 'GRAPHQL_VALIDATION_FAILED', refused.text);
      assert.deepEqual((await fx.t.client().Tier({ id: gold.id })).tier?.price, {
        amountMinor: 1299,
        currency: 'EUR',
      });
      await creator.client.ArchiveTier({ id: yen.id });
      const after = await fx.t.client().UserTiers({ id: creator.id });
      assert.deepEqual(
        after.user?.tiers.map((t) => t.name),
        ['Free', 'Gold+'],
      );
      assert.equal((await fx.t.client().Tier({ id: yen.id })).tier?.archived, true);
    });

    it('should refuse bad prices, currencies and names with reasons, writing nothing', async () => {
      const creator = await newUser('creator');
      const before = await count(Tier);
      const cases: [Parameters<typeof tierOf>[1], string | undefined][] = [
        [{ price: { amountMinor: -1, currency: 'USD' } }, 'INVALID_PRICE'],
        [{ price: { amountMinor: 100_000_001, currency: 'USD' } }, 'INVALID_PRICE'],
        [{ price: { amountMinor: 100, currency: 'usd' } }, 'INVALID_CURRENCY'],
        [{ price: { amountMinor: 100, currency: 'XYZ' } }, 'INVALID_CURRENCY'],
        [{ price: { amountMinor: 100, currency: 'US' } }, 'INVALID_CURRENCY'],
        [{ name: '   ' }, 'INVALID_INPUT'],
        [{ name: 'x'.repeat(81) }, 'INVALID_INPUT'],
        [{ perks: Array.from({ length: 11 }, (_, i) => `perk ${i}`) }, 'INVALID_INPUT'],
        [{ description: 'd'.repeat(2001) }, 'INVALID_INPUT'],
      ];
      for (const [input, reason] of cases) {
        const e = await expectCode(tierOf(creator.client, input), 'BAD_USER_INPUT');
        assert.equal(reasonOf(e), reason, JSON.stringify(input));
      }
      // A float is not an Int: GraphQL refuses it before any resolver.
      await expectCode(
        tierOf(creator.client, { price: { amountMinor: 9.99, currency: 'USD' } }),
        'BAD_USER_INPUT',
      );
      assert.equal(await count(Tier), before);
      await expectCode(
        fx.t
          .client()
          .CreateTier({ input: { name: 'x', price: { amountMinor: 0, currency: 'USD' } } }),
        'UNAUTHENTICATED',
      );
    });

    it('should let only the creator change or archive a tier', async () => {
      const creator = await newUser('creator');
      const tier = await tierOf(creator.client);
      const e = await expectCode(
        fx.bob.client.UpdateTier({ id: tier.id, input: { name: 'Mine' } }),
        'FORBIDDEN',
      );
      assert.equal(reasonOf(e), 'NOT_TIER_CREATOR');
      await expectCode(fx.bob.client.ArchiveTier({ id: tier.id }), 'FORBIDDEN');
      await expectCode(
        fx.bob.client.ArchiveTier({ id: '00000000-0000-4000-8000-000000000000' }),
        'NOT_FOUND',
      );
      assert.equal((await fx.t.client().Tier({ id: tier.id })).tier?.name, 'Supporters');
    });

    it('should make a free membership ACTIVE at once, return it when joining again, and end it at once when cancelled', async () => {
      const creator = await newUser('creator');
      const fan = await newUser('fan');
      const tier = await tierOf(creator.client);
      const joined = await join(fan.client, tier.id);
      assert.equal(joined.checkoutUrl, null);
      assert.deepEqual(
        [joined.membership.status, joined.membership.currentPeriodEnd, joined.membership.tier.id],
        ['ACTIVE', null, tier.id],
      );
      const again = await join(fan.client, tier.id);
      assert.equal(again.membership.id, joined.membership.id);
      // Concurrent joins of one pair settle on one open membership.
      const other = await newUser('fan');
      const racing = await Promise.all(
        Array.from({ length: 5 }, () => join(other.client, tier.id)),
      );
      assert.equal(new Set(racing.map((r) => r.membership.id)).size, 1);
      assert.equal(await count(Membership, { member: other.id }), 1);

      const mine = await fan.client.MyMemberships();
      assert.deepEqual(
        mine.myMemberships.map((m) => m.id),
        [joined.membership.id],
      );
      const e = await expectCode(
        other.client.CancelMembership({ id: joined.membership.id }),
        'FORBIDDEN',
      );
      assert.equal(reasonOf(e), 'NOT_MEMBER');
      const cancelled = await fan.client.CancelMembership({ id: joined.membership.id });
      assert.equal(cancelled.cancelMembership.status, 'EXPIRED');
      // A new membership after the old one ended.
      const rejoined = await join(fan.client, tier.id);
      assert.notEqual(rejoined.membership.id, joined.membership.id);
      assert.equal(rejoined.membership.status, 'ACTIVE');
    });

    it("should refuse joining one's own tier, an archived tier, an unknown tier, and paid tiers wait for payment", async () => {
      const creator = await newUser('creator');
      const fan = await newUser('fan');
      const tier = await tierOf(creator.client);
      const before = await count(Membership);
      assert.equal(
        reasonOf(await expectCode(join(creator.client, tier.id), 'BAD_USER_INPUT')),
        'OWN_TIER',
      );
      await creator.client.ArchiveTier({ id: tier.id });
      assert.equal(
        reasonOf(await expectCode(join(fan.client, tier.id), 'CONFLICT')),
        'TIER_ARCHIVED',
      );
      await expectCode(join(fan.client, '00000000-0000-4000-8000-000000000000'), 'NOT_FOUND');
      await expectCode(join(fan.client, 'not-an-id'), 'NOT_FOUND');
      assert.equal(await count(Membership), before);

      const paid = await tierOf(creator.client, { price: { amountMinor: 500, currency: 'USD' } });
      const pending = await join(fan.client, paid.id);
      assert.equal(pending.membership.status, 'PENDING');
      assert.match(pending.checkoutUrl ?? '', /^https?:\/\//);
      const again = await join(fan.client, paid.id);
      assert.deepEqual(
        [again.membership.id, again.checkoutUrl],
        [pending.membership.id, pending.checkoutUrl],
      );
    });

    it("should show a tier's members and counts to its creator and admins only", async () => {
      const creator = await newUser('creator');
      const tier = await tierOf(creator.client);
      const other = await tierOf(creator.client, { name: 'Other' });
      const fans = await Promise.all([newUser('fan'), newUser('fan'), newUser('fan')]);
      const memberships = [];
      for (const f of fans) memberships.push((await join(f.client, tier.id)).membership);
      await join(fans[0]!.client, other.id);
      await fans[2]!.client.CancelMembership({ id: memberships[2]!.id });

      assert.equal((await creator.client.Tier({ id: tier.id })).tier?.activeMembers, 2);
      assert.equal((await fx.admin.client.Tier({ id: tier.id })).tier?.activeMembers, 2);
      assert.equal((await fans[0]!.client.Tier({ id: tier.id })).tier?.activeMembers, null);
      assert.equal((await fx.t.client().Tier({ id: tier.id })).tier?.activeMembers, null);

      const all = await creator.client.TierMembers({ first: 10 });
      assert.equal(all.tierMembers.totalCount, 4);
      const page1 = await creator.client.TierMembers({ tierId: tier.id, first: 2 });
      assert.equal(page1.tierMembers.totalCount, 3);
      assert.equal(page1.tierMembers.pageInfo.hasNextPage, true);
      const page2 = await creator.client.TierMembers({
        tierId: tier.id,
        first: 2,
        after: page1.tierMembers.pageInfo.endCursor,
      });
      const ids = [...page1.tierMembers.edges, ...page2.tierMembers.edges].map((e) => e.node.id);
      // Newest first.
      assert.deepEqual(ids, memberships.map((m) => m.id).reverse());
      const expired = await creator.client.TierMembers({ tierId: tier.id, status: 'EXPIRED' });
      assert.deepEqual(
        expired.tierMembers.edges.map((e) => e.node.id),
        [memberships[2]!.id],
      );

      assert.equal(
        reasonOf(await expectCode(fans[0]!.client.TierMembers({ tierId: tier.id }), 'FORBIDDEN')),
        'NOT_TIER_CREATOR',
      );
      await expectCode(fans[0]!.client.TierMembers({ creatorId: creator.id }), 'FORBIDDEN');
      const byAdmin = await fx.admin.client.TierMembers({ creatorId: creator.id, first: 10 });
      assert.equal(byAdmin.tierMembers.totalCount, 4);
      await expectCode(fx.t.client().TierMembers({}), 'UNAUTHENTICATED');
      await expectCode(creator.client.TierMembers({ first: 101 }), 'BAD_USER_INPUT');
    });
  });
}
