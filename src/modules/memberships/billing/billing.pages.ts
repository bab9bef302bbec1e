import express, { type Express, type Response } from 'express';
import { isId } from '../../accounts/index.js';
import type { Logger } from '../../../infra/logger.js';
import type { ProviderEvent } from './billing.payloads.js';
import type { BillingWebhook } from './billing.webhook.js';

export interface PagesDeps {
  provider: 'stripe' | 'test' | 'none';
  webhook: BillingWebhook;
  logger: Logger;
}

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type('html')
    .set('content-security-policy', "default-src 'none'; form-action 'self'")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
        `<body><h1>${title}</h1>${body}</body></html>`,
    );
}

/**
 * The `checkout.session.completed` event Stripe would send for the membership, as the test
 * provider's own. Its id is fixed per membership, so completing twice applies once.
 */
export function testCheckoutEvent(membershipId: string): ProviderEvent & { created: number } {
  return {
    id: `evt_test_checkout_${membershipId}`,
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `cs_test_${membershipId}`,
        object: 'checkout.session',
        mode: 'subscription',
        client_reference_id: membershipId,
        metadata: { membershipId },
        subscription: `sub_test_${membershipId}`,
        customer: `cus_test_${membershipId}`,
      },
    },
  };
}

/**
 * Pages a member's browser sees: where the provider sends them back after checkout, and,
 * with the test provider only, the checkout itself (development and tests): its form
 * completes the payment with a signed event received as the webhook receives the
 * provider's, so the whole flow, verification included, runs without a provider.
 */
export function mountBillingPages(app: Express, deps: PagesDeps): void {
  app.get('/billing/checkout/done', (_req, res) =>
    page(
      res,
      200,
      'Thank you',
      '<p>Your membership starts as soon as the payment is confirmed.</p>',
    ),
  );
  app.get('/billing/checkout/canceled', (_req, res) =>
    page(res, 200, 'Checkout canceled', '<p>Nothing was charged.</p>'),
  );

  const path = '/billing/test-checkout/:membershipId';
  const testOnly = (id: string, res: Response) => {
    if (deps.provider === 'test' && deps.webhook.configured && isId(id)) return true;
    page(res, 404, 'Not found', '');
    return false;
  };
  app.get(path, (req, res) => {
    if (!testOnly(req.params.membershipId, res)) return;
    page(
      res,
      200,
      'Test checkout',
      '<p>No money changes hands: this server is its own billing provider.</p>' +
        '<form method="post"><button type="submit">Pay (test)</button></form>',
    );
  });
  app.post(path, express.urlencoded({ extended: false, limit: 1024 }), async (req, res) => {
    const id = req.params.membershipId;
    if (!testOnly(id, res)) return;
    const payload = JSON.stringify(testCheckoutEvent(id.toLowerCase()));
    const r = await deps.webhook.receive(payload, deps.webhook.sign(payload));
    if (!('outcome' in r.body)) {
      deps.logger.error(
        { membershipId: id, status: r.status },
        'completing a test checkout failed',
      );
      return page(res, r.status, 'Something went wrong', '<p>Try again.</p>');
    }
    if (r.body.outcome === 'unknown-membership') return page(res, 404, 'Not found', '');
    page(res, 200, 'Payment complete', '<p>Your membership is active.</p>');
  });
}
