import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** One API call the fake received: the form-encoded body, flat (`line_items[0][quantity]`). */
export interface StripeCall {
  method: string;
  path: string;
  form: Record<string, string>;
}

/**
 * A local HTTP endpoint that answers like Stripe's API for the calls the provider makes
 * (`POST /v1/checkout/sessions`, `POST /v1/subscriptions/:id`): the provider's own
 * boundary, so checkout creation runs through the official client against it.
 */
export class FakeStripe {
  readonly calls: StripeCall[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        const call = {
          method: req.method ?? '',
          path: (req.url ?? '').split('?')[0]!,
          form: Object.fromEntries(new URLSearchParams(raw)),
        };
        this.calls.push(call);
        const [status, body] = this.answer(call);
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The server's env for a provider that talks to this endpoint. */
  env(webhookSecret: string): Record<string, string> {
    return {
      BILLING_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  /** The calls made to `path` so far. */
  to(method: string, path: string): StripeCall[] {
    return this.calls.filter((c) => c.method === method && c.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(call: StripeCall): [number, unknown] {
    if (call.method === 'POST' && call.path === '/v1/checkout/sessions') {
      const id = `cs_test_${randomUUID().replace(/-/g, '')}`;
      return [
        200,
        {
          id,
          object: 'checkout.session',
          mode: call.form.mode,
          client_reference_id: call.form.client_reference_id,
          url: `https://checkout.stripe.test/c/pay/${id}`,
        },
      ];
    }
    const sub = /^\/v1\/subscriptions\/([\w-]+)$/.exec(call.path);
    if (call.method === 'POST' && sub)
      return [
        200,
        {
          id: sub[1],
          object: 'subscription',
          cancel_at_period_end: call.form.cancel_at_period_end === 'true',
        },
      ];
    return [404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }];
  }
}

export const unix = (d: Date | number) => Math.floor(new Date(d).getTime() / 1000);
const eventId = () => `evt_${randomUUID().replace(/-/g, '')}`;

function event(type: string, object: Record<string, unknown>) {
  return { id: eventId(), object: 'event', type, created: unix(Date.now()), data: { object } };
}
export type BillingEvent = ReturnType<typeof event>;

/** `checkout.session.completed`; `periodEnd`: with the subscription expanded, carrying it. */
export function checkoutCompleted(
  membershipId: string,
  subscriptionId: string,
  periodEnd?: Date,
): BillingEvent {
  return event('checkout.session.completed', {
    id: `cs_test_${randomUUID()}`,
    object: 'checkout.session',
    mode: 'subscription',
    client_reference_id: membershipId,
    metadata: { membershipId },
    customer: `cus_${subscriptionId}`,
    subscription: periodEnd
      ? {
          id: subscriptionId,
          object: 'subscription',
          items: { object: 'list', data: [{ current_period_end: unix(periodEnd) }] },
        }
      : subscriptionId,
  });
}

/** `invoice.paid` / `invoice.payment_failed`, shaped as API versions since 2025-03-31 send it. */
export function invoice(
  type: 'invoice.paid' | 'invoice.payment_failed',
  subscriptionId: string,
  periodEnd: Date,
  membershipId?: string,
): BillingEvent {
  return event(type, {
    id: `in_${randomUUID()}`,
    object: 'invoice',
    parent: {
      type: 'subscription_details',
      subscription_details: {
        subscription: subscriptionId,
        metadata: membershipId ? { membershipId } : {},
      },
    },
    lines: {
      object: 'list',
      data: [{ period: { start: unix(Date.now()), end: unix(periodEnd) } }],
    },
  });
}

export function subscriptionDeleted(subscriptionId: string, membershipId?: string): BillingEvent {
  return event('customer.subscription.deleted', {
    id: subscriptionId,
    object: 'subscription',
    status: 'canceled',
    metadata: membershipId ? { membershipId } : {},
  });
}

/**
 * POSTs `event` to the server's webhook, signed as Stripe signs it: with `secret` (null: no
 * signature header) at `timestamp` (unix seconds); `tamper` changes the body once signed.
 */
export async function deliver(
  serverUrl: string,
  event: BillingEvent,
  opts: { secret: string | null; timestamp?: number; tamper?: (payload: string) => string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.secret)
    headers['stripe-signature'] = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: opts.secret,
      timestamp: opts.timestamp,
    });
  const r = await fetch(`${new URL(serverUrl).origin}/webhooks/billing`, {
    method: 'POST',
    headers,
    body: opts.tamper ? opts.tamper(payload) : payload,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}
