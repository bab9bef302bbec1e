import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import Stripe from 'stripe';
import { isDatabaseUnavailable } from '../../../infra/db-unavailable.js';
import type { Logger } from '../../../infra/logger.js';
import type { BillingProcessor, Outcome } from './billing.processor.js';

/** Provider events are a few kilobytes; a subscription invoice with many lines stays far below. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export interface WebhookDeps {
  /** Unset (production without STRIPE_WEBHOOK_SECRET): the endpoint answers 404. */
  secret?: string;
  toleranceSeconds: number;
  processor: BillingProcessor;
  logger: Logger;
}

/** The HTTP answer to a delivery: 200 with the outcome, or a refusal. */
export interface Receipt {
  status: number;
  body: { received: true; outcome: Outcome } | { error: string };
}

const fail = (status: number, error: string): Receipt => ({ status, body: { error } });

/**
 * Receives the provider's events: verified on the raw bytes (signature and timestamp
 * tolerance) before anything is read. A refused event is 400 and changes nothing; every
 * verified one is acknowledged with 200, including those for no known membership and of
 * types not handled; only a failure to apply it (the database away) asks for a retry.
 */
export class BillingWebhook {
  constructor(private readonly deps: WebhookDeps) {}

  get configured(): boolean {
    return !!this.deps.secret;
  }

  /**
   * Signs `payload` with the webhook's secret, as the provider would: the test provider's
   * checkout delivers its completion through `receive` like any provider event.
   */
  sign(payload: string): string {
    if (!this.deps.secret) throw new Error('billing webhooks are not configured');
    return Stripe.webhooks.generateTestHeaderString({ payload, secret: this.deps.secret });
  }

  async receive(
    payload: Buffer | string,
    signature: string | string[] | undefined,
  ): Promise<Receipt> {
    const { secret, logger } = this.deps;
    if (!secret) return fail(404, 'Billing webhooks are not configured');
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(
        payload,
        signature ?? '',
        secret,
        this.deps.toleranceSeconds,
      );
    } catch (err) {
      // The message says which check failed (signature, timestamp); the secret is not in it.
      logger.warn({ reason: (err as Error).message }, 'billing webhook refused');
      return fail(400, 'The event signature could not be verified');
    }
    try {
      return {
        status: 200,
        body: { received: true, outcome: await this.deps.processor.process(event) },
      };
    } catch (err) {
      // Not acknowledged: the provider retries, and the event's id was not recorded.
      logger.error({ err, eventId: event.id, type: event.type }, 'applying a billing event failed');
      return isDatabaseUnavailable(err)
        ? fail(503, 'Temporarily unavailable')
        : fail(500, 'The event could not be applied');
    }
  }

  /** `POST /webhooks/billing`. */
  mount(app: Express): void {
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
    const handle: RequestHandler = async (req, res) => {
      const body: unknown = req.body;
      const r = Buffer.isBuffer(body)
        ? await this.receive(body, req.headers['stripe-signature'])
        : fail(400, 'The event has no body');
      res.status(r.status).json(r.body);
    };
    app.post(
      '/webhooks/billing',
      express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES }),
      handle,
      bodyErrors,
    );
  }
}
