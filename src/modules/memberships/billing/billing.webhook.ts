import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import Stripe from 'stripe';
import { isDatabaseUnavailable } from '../../../infra/db-unavailable.js';
import type { Logger } from '../../../infra/logger.js';
import type { BillingProcessor } from './billing.processor.js';

/** Provider events are a few kilobytes; a subscription invoice with many lines stays far below. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export interface WebhookDeps {
  /** Unset (production without STRIPE_WEBHOOK_SECRET): the endpoint answers 404. */
  secret?: string;
  toleranceSeconds: number;
  processor: BillingProcessor;
  logger: Logger;
}

const fail = (status: number, message: string) => ({ status, body: { error: message } });

/**
 * `POST /webhooks/billing`: the provider's events, verified on the raw bytes (signature and
 * timestamp tolerance) before anything is read. A refused event is 400 and changes nothing;
 * every verified one is acknowledged with 200, including those for no known membership and
 * of types not handled; only a failure to apply it (the database away) asks for a retry.
 */
export function mountBillingWebhook(app: Express, deps: WebhookDeps): void {
  const { logger } = deps;
  const handle: RequestHandler = async (req, res) => {
    const refuse = (r: ReturnType<typeof fail>) => void res.status(r.status).json(r.body);
    if (!deps.secret) return refuse(fail(404, 'Billing webhooks are not configured'));
    if (!Buffer.isBuffer(req.body)) return refuse(fail(400, 'The event has no body'));
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(
        req.body,
        req.headers['stripe-signature'] ?? '',
        deps.secret,
        deps.toleranceSeconds,
      );
    } catch (err) {
      // The message says which check failed (signature, timestamp); the secret is not in it.
      logger.warn({ reason: (err as Error).message }, 'billing webhook refused');
      return refuse(fail(400, 'The event signature could not be verified'));
    }
    try {
      const outcome = await deps.processor.process(event);
      res.json({ received: true, outcome });
    } catch (err) {
      // Not acknowledged: the provider retries, and the event's id was not recorded.
      logger.error({ err, eventId: event.id, type: event.type }, 'applying a billing event failed');
      refuse(
        isDatabaseUnavailable(err)
          ? fail(503, 'Temporarily unavailable')
          : fail(500, 'The event could not be applied'),
      );
    }
  };
  // The feature's routes are mounted after the server's error handler: body errors end here.
  const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number };
    const r =
      e.type === 'entity.too.large'
        ? fail(413, `The event is larger than ${MAX_WEBHOOK_BYTES} bytes`)
        : fail(e.status && e.status < 500 ? e.status : 400, 'The event body could not be read');
    res.status(r.status).json(r.body);
  };
  app.post(
    '/webhooks/billing',
    express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES }),
    handle,
    bodyErrors,
  );
}
