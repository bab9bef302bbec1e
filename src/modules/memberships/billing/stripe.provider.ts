import Stripe from 'stripe';
import type { BillingConfig } from '../../../config-billing.js';
import { BillingInterval } from '../tier.entity.js';
import type { BillingProvider, CheckoutRequest } from './billing.provider.js';

const INTERVALS = { [BillingInterval.MONTH]: 'month', [BillingInterval.YEAR]: 'year' } as const;

/** Bounds a member's joinTier while Stripe is slow (the client's default is 80 s). */
const TIMEOUT_MS = 15_000;

/**
 * Stripe through its official client. The API endpoint is configurable
 * (STRIPE_API_HOST/PORT/PROTOCOL) so that tests run checkout creation against a local
 * endpoint that answers like Stripe; webhooks are verified in billing.webhook.ts.
 */
export function stripeProvider(config: BillingConfig): BillingProvider {
  if (!config.stripeSecretKey) throw new Error('STRIPE_SECRET_KEY is required for Stripe');
  const { host, port, protocol } = config.stripeApi;
  const stripe = new Stripe(config.stripeSecretKey, {
    ...(host ? { host } : {}),
    ...(port ? { port } : {}),
    ...(protocol ? { protocol } : {}),
    timeout: TIMEOUT_MS,
    // Retries carry the same idempotency key (below), so a retried create makes one session.
    maxNetworkRetries: 2,
    telemetry: false,
  });
  return {
    name: 'stripe',
    async checkout(request: CheckoutRequest) {
      const { membershipId, baseUrl } = request;
      const back = (page: string) =>
        `${baseUrl}/billing/checkout/${page}?membership=${encodeURIComponent(membershipId)}`;
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          // Both: the session's completion names the membership; so do the subscription's
          // invoices and its deletion (subscription metadata), found by billing.events.ts.
          client_reference_id: membershipId,
          metadata: { membershipId },
          subscription_data: { metadata: { membershipId } },
          customer_email: request.memberEmail,
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amountMinor,
                recurring: { interval: INTERVALS[request.interval] },
                product_data: { name: request.tierName },
              },
            },
          ],
          success_url: back('done'),
          cancel_url: back('canceled'),
        },
        // One membership has one checkout: a retried create returns the same session.
        { idempotencyKey: `checkout-${membershipId}` },
      );
      if (!session.url)
        throw new Error(`Stripe returned checkout session ${session.id} without a url`);
      return { url: session.url, sessionId: session.id };
    },
    async cancelAtPeriodEnd(subscriptionId: string) {
      await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    },
  };
}
