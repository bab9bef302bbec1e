import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEV_WEBHOOK_SECRET } from '../../src/config-billing.js';
import { BillingEvent as BillingEventRow } from '../../src/modules/memberships/billing-event.entity.js';
import { MEMBERSHIP_CHANGED } from '../../src/modules/memberships/memberships.topics.js';
import {
  checkoutCompleted,
  deliver,
  FakeStripe,
  invoice,
  subscriptionDeleted,
  type BillingEvent,
} from '../helpers/billing.js';
import { published } from '../helpers/content.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { waitForSubscribers } from '../helpers/subscribers.js';
import { targets } from '../helpers/targets.js';
import { Stream } from '../helpers/ws.js';

// A creator sells a paid tier, a fan pays through Stripe (a local endpoint answering like
// Stripe's API; webhooks signed as Stripe signs them), and the membership follows the
// provider's events: activation, renewal, failed payment, cancellation, expiry.

const SECRET = 'whsec_memberships_billing_test';
const DAY = 86_400_000;
const guard = { timeout: 30_000 };

for (const target of targets()) {
  describe(`memberships billing through Stripe (${target.name})`, () => {
    const stripe = new FakeStripe();
    let a: TestServer;
    /** Where fans subscribe: a second process on PostgreSQL + Redis, the same one on SQLite. */
    let live: TestServer;
    let handles = 0;

    before(async () => {
      await stripe.start();
      const env = { ...stripe.env(SECRET), MEMBERSHIP_EXPIRY_INTERVAL_MS: '100' };
      a = await bootServer(target, 'memberships-billing', { env });
      live =
        target.name === 'postgresql+redis'
          ? await bootServer(target, 'memberships-billing', { env, storage: a.storage })
          : a;
    });
    after(async () => {
      if (live !== a) await live.close();
      await a.close();
      await stripe.close();
    });

    const send = (e: BillingEvent, secret: string | null = SECRET, timestamp?: number) =>
      deliver(a.server.url, e, { secret, timestamp });

    /** A creator with a paid tier and content for its members; a fan listening for changes. */
    async function scene() {
      const n = ++handles;
      const [creator, fan] = await Promise.all([a.user(`creator${n}`), a.user(`fan${n}`)]);
      const { createTier: tier } = await creator.client.CreateTier({
        input: {
          name: `Gold ${n}`,
          price: { amountMinor: 500, currency: 'USD' },
          interval: 'MONTH',
        },
      });
      const [forTier, forMembers] = await Promise.all([
        published(creator.client, { title: 'Tier only', visibility: 'TIERS', tierIds: [tier.id] }),
        published(creator.client, { title: 'Members only', visibility: 'MEMBERS' }),
      ]);
      const changes = new Stream(live.client(fan.token).MembershipChanged());
      await waitForSubscribers(live.server, MEMBERSHIP_CHANGED, fan.id);
      const access = async () => {
        const gates = await Promise.all(
          [forTier.id, forMembers.id].map((id) => fan.client.ContentGate({ id })),
        );
        return gates.map((g) => g.content!.viewerHasAccess);
      };
      const membership = async (id: string) =>
        (await fan.client.MyMemberships()).myMemberships.find((m) => m.id === id)!;
      const next = async () => (await changes.next()).membershipChanged;
      return { creator, fan, tier, access, membership, changes, next };
    }

    /** `scene()` with the fan's paid join, confirmed by the checkout's completion. */
    async function activeScene(subscriptionId: string, periodEnd?: Date) {
      const s = await scene();
      const { joinTier } = await s.fan.client.JoinTier({ tierId: s.tier.id });
      assert.equal(
        (await send(checkoutCompleted(joinTier.membership.id, subscriptionId, periodEnd))).status,
        200,
      );
      assert.equal((await s.next()).status, 'ACTIVE');
      return { ...s, id: joinTier.membership.id };
    }

    const rowsOf = (id: string) => a.server.orm.em.fork().count(BillingEventRow, { id });

    it(
      'should walk a paid membership through checkout, renewal, failed payment and cancellation',
      guard,
      async () => {
        const s = await scene();
        const { joinTier } = await s.fan.client.JoinTier({ tierId: s.tier.id });
        const id = joinTier.membership.id;
        assert.equal(joinTier.membership.status, 'PENDING');
        assert.match(
          joinTier.checkoutUrl ?? '',
          /^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/,
        );
        const [created] = stripe
          .to('POST', '/v1/checkout/sessions')
          .filter((c) => c.form.client_reference_id === id);
        assert.ok(created, 'Stripe was asked for a checkout session of the membership');
        assert.equal(created.form.mode, 'subscription');
        assert.equal(created.form['metadata[membershipId]'], id);
        assert.equal(created.form['subscription_data[metadata][membershipId]'], id);
        assert.equal(created.form['line_items[0][price_data][unit_amount]'], '500');
        assert.equal(created.form['line_items[0][price_data][currency]'], 'usd');
        assert.equal(created.form['line_items[0][price_data][recurring][interval]'], 'month');
        assert.equal(created.form['line_items[0][price_data][product_data][name]'], s.tier.name);
        assert.equal(created.form.customer_email, s.fan.email);
        assert.deepEqual(await s.access(), [false, false]);

        const sub = `sub_walk_${id}`;
        const before = Date.now();
        assert.equal((await send(checkoutCompleted(id, sub))).status, 200);
        const activated = await s.next();
        assert.equal(activated.id, id);
        assert.equal(activated.status, 'ACTIVE');
        const end = new Date(activated.currentPeriodEnd as string).getTime();
        assert.ok(end > before + 27 * DAY && end < Date.now() + 32 * DAY, 'one month paid');
        assert.deepEqual(await s.access(), [true, true]);

        const renewedTo = new Date(end + 30 * DAY);
        assert.equal((await send(invoice('invoice.paid', sub, renewedTo))).status, 200);
        const renewed = await s.next();
        assert.equal(renewed.status, 'ACTIVE');
        assert.equal(
          new Date(renewed.currentPeriodEnd as string).getTime(),
          Math.floor(renewedTo.getTime() / 1000) * 1000,
        );

        assert.equal((await send(invoice('invoice.payment_failed', sub, renewedTo))).status, 200);
        assert.equal((await s.next()).status, 'PAST_DUE');
        assert.deepEqual(await s.access(), [true, true], 'access continues until the period ends');

        assert.equal((await send(subscriptionDeleted(sub))).status, 200);
        const canceled = await s.next();
        assert.equal(canceled.status, 'CANCELED');
        assert.equal(canceled.currentPeriodEnd, renewed.currentPeriodEnd);
        assert.deepEqual(await s.access(), [true, true], 'access continues until the period ends');
        await s.changes.return();
      },
    );

    it(
      'should expire a membership whose period has ended, and take its access',
      guard,
      async () => {
        const s = await activeScene('sub_expiring', new Date(Date.now() + 3000));
        assert.deepEqual(await s.access(), [true, true]);
        const expired = await s.next();
        assert.equal(expired.status, 'EXPIRED');
        assert.equal(expired.id, s.id);
        assert.deepEqual(await s.access(), [false, false]);
        assert.equal((await s.membership(s.id)).status, 'EXPIRED');
        // Expired once: the next change the fan hears of is a new membership, not the sweep again.
        const { createTier: free } = await s.creator.client.CreateTier({
          input: { name: 'Free', price: { amountMinor: 0, currency: 'USD' } },
        });
        await s.fan.client.JoinTier({ tierId: free.id });
        assert.equal((await s.next()).tier.id, free.id);
        await s.changes.return();
      },
    );

    it(
      'should refuse an event with a bad, missing or stale signature, and change nothing',
      guard,
      async () => {
        const s = await scene();
        const { joinTier } = await s.fan.client.JoinTier({ tierId: s.tier.id });
        const e = checkoutCompleted(joinTier.membership.id, 'sub_refused');
        const stale = Math.floor(Date.now() / 1000) - 600;
        for (const r of [
          await send(e, 'whsec_someone_else'),
          await send(e, null),
          await send(e, SECRET, stale),
          await deliver(a.server.url, e, {
            secret: SECRET,
            tamper: (p) => p.replace('sub_refused', 'sub_tampered'),
          }),
        ])
          assert.equal(r.status, 400);
        assert.equal(await rowsOf(e.id), 0);
        assert.equal((await s.membership(joinTier.membership.id)).status, 'PENDING');
        assert.deepEqual(await s.access(), [false, false]);
        // Then the genuine delivery applies: nothing was recorded by the refused ones.
        assert.equal((await send(e)).body.outcome, 'applied');
        assert.equal((await s.next()).status, 'ACTIVE');
        await s.changes.return();
      },
    );

    it(
      'should apply an event delivered twice, even at once to two processes, once',
      guard,
      async () => {
        const s = await scene();
        const { joinTier } = await s.fan.client.JoinTier({ tierId: s.tier.id });
        const id = joinTier.membership.id;
        const e = checkoutCompleted(id, `sub_twice_${id}`);
        const other = live === a ? a : live;
        const both = await Promise.all([send(e), deliver(other.server.url, e, { secret: SECRET })]);
        assert.deepEqual(
          both.map((r) => r.status),
          [200, 200],
        );
        assert.deepEqual(both.map((r) => r.body.outcome).sort(), ['applied', 'duplicate']);
        assert.equal((await send(e)).body.outcome, 'duplicate');
        assert.equal(await rowsOf(e.id), 1);
        assert.equal((await s.next()).status, 'ACTIVE');
        // One change only: the next one the fan hears of is the failed payment.
        await send(
          invoice('invoice.payment_failed', `sub_twice_${id}`, new Date(Date.now() + DAY)),
        );
        assert.equal((await s.next()).status, 'PAST_DUE');
        await s.changes.return();
      },
    );

    it(
      'should acknowledge events for no known membership, and of types not handled',
      guard,
      async () => {
        const unknown = checkoutCompleted('00000000-0000-4000-8000-000000000000', 'sub_nobody');
        const r = await send(unknown);
        assert.equal(r.status, 200);
        assert.equal(r.body.outcome, 'unknown-membership');
        const orphan = await send(invoice('invoice.paid', 'sub_nobody_at_all', new Date()));
        assert.equal(orphan.body.outcome, 'unknown-membership');
        const other = await send({ ...unknown, id: `${unknown.id}_x`, type: 'customer.created' });
        assert.equal(other.status, 200);
        assert.equal(other.body.outcome, 'ignored');
      },
    );

    it(
      'should ask Stripe to end the subscription at period end when the member cancels',
      guard,
      async () => {
        const sub = `sub_cancel_${++handles}`;
        const s = await activeScene(sub);
        const { cancelMembership } = await s.fan.client.CancelMembership({ id: s.id });
        assert.equal(cancelMembership.status, 'ACTIVE');
        assert.equal(cancelMembership.cancelAtPeriodEnd, true);
        const calls = stripe.to('POST', `/v1/subscriptions/${sub}`);
        assert.equal(calls.length, 1);
        assert.equal(calls[0]!.form.cancel_at_period_end, 'true');
        assert.equal((await s.next()).cancelAtPeriodEnd, true);
        assert.deepEqual(await s.access(), [true, true]);
        await s.changes.return();
      },
    );

    it("should not serve the test provider's checkout page", async () => {
      const r = await fetch(
        `${new URL(a.server.url).origin}/billing/test-checkout/${crypto.randomUUID()}`,
        {
          method: 'POST',
        },
      );
      assert.equal(r.status, 404);
    });
  });

  describe(`memberships billing through the test provider (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'memberships-billing-test', {
        env: { BILLING_PROVIDER: 'test' },
      });
    });
    after(() => t.close());

    it('should complete a paid join on the checkout page of the server itself', guard, async () => {
      const [creator, fan] = await Promise.all([t.user('testcreator'), t.user('testfan')]);
      const { createTier: tier } = await creator.client.CreateTier({
        input: { name: 'Silver', price: { amountMinor: 300, currency: 'EUR' }, interval: 'YEAR' },
      });
      const content = await published(creator.client, { visibility: 'MEMBERS' });
      const { joinTier } = await fan.client.JoinTier({ tierId: tier.id });
      const id = joinTier.membership.id;
      assert.equal(
        joinTier.checkoutUrl,
        `${new URL(t.server.url).origin}/billing/test-checkout/${id}`,
      );
      const page = await fetch(joinTier.checkoutUrl);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<form method="post">/);
      assert.equal(
        (await fan.client.ContentGate({ id: content.id })).content!.viewerHasAccess,
        false,
      );

      const paid = await fetch(joinTier.checkoutUrl, { method: 'POST' });
      assert.equal(paid.status, 200);
      const [m] = (await fan.client.MyMemberships()).myMemberships;
      assert.equal(m!.status, 'ACTIVE');
      const end = new Date(m!.currentPeriodEnd as string).getTime();
      assert.ok(end > Date.now() + 360 * DAY, 'one year paid');
      assert.equal(
        (await fan.client.ContentGate({ id: content.id })).content!.viewerHasAccess,
        true,
      );

      // Its webhook is verified too, with the development secret when none is set.
      const failed = invoice('invoice.payment_failed', `sub_test_${id}`, new Date(end));
      assert.equal((await deliver(t.server.url, failed, { secret: 'whsec_wrong' })).status, 400);
      assert.equal(
        (await deliver(t.server.url, failed, { secret: DEV_WEBHOOK_SECRET })).status,
        200,
      );
      assert.equal((await fan.client.MyMemberships()).myMemberships[0]!.status, 'PAST_DUE');
    });
  });
}
