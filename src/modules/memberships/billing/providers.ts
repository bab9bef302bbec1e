import { randomUUID } from 'node:crypto';
import type { BillingConfig } from '../../../config-billing.js';
import type { BillingProvider } from './billing.provider.js';
import { stripeProvider } from './stripe.provider.js';

/** No provider (production without Stripe keys): paid tiers take no new members. */
const none: BillingProvider = {
  name: 'none',
  checkout: () => Promise.reject(new Error('no billing provider is configured')),
  cancelAtPeriodEnd: () => Promise.resolve(),
};

/**
 * This server as its own provider (development and tests): the checkout URL is a page of
 * the server that completes the payment (billing/billing.pages.ts).
 */
const test: BillingProvider = {
  name: 'test',
  checkout: (request) =>
    Promise.resolve({
      url: `${request.baseUrl}/billing/test-checkout/${request.membershipId}`,
      sessionId: `cs_test_${randomUUID()}`,
    }),
  cancelAtPeriodEnd: () => Promise.resolve(),
};

export function billingProvider(config: BillingConfig): BillingProvider {
  switch (config.provider) {
    case 'none':
      return none;
    case 'test':
      return test;
    case 'stripe':
      return stripeProvider(config);
  }
}
