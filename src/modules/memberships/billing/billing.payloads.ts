/**
 * What a provider event says about a membership, read defensively: an event is a snapshot
 * in the webhook endpoint's API version, so expandable fields may be ids or objects, and
 * fields move between versions (an invoice's subscription: `subscription` before
 * 2025-03-31, `parent.subscription_details.subscription` since).
 */

/** The part of a (verified) provider event that processing reads. `Stripe.Event` is one. */
export interface ProviderEvent {
  id: string;
  type: string;
  data: { object: unknown };
}

export interface BillingFacts {
  /** Ours: set as client_reference_id and metadata.membershipId at checkout. */
  membershipId: string | null;
  subscriptionId: string | null;
  customerId: string | null;
  /** The end of the period paid for, when the event carries it. */
  periodEnd: Date | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
/** An expandable field: an id, or the expanded object with its id. */
const idOf = (v: unknown): string | null => str(v) ?? str(obj(v)?.id);
const membershipOf = (v: unknown): string | null => str(obj(obj(v)?.metadata)?.membershipId);
const list = (v: unknown): unknown[] => {
  const data = obj(v)?.data;
  return Array.isArray(data) ? data : [];
};

/** Unix seconds to a Date; null for anything that is not a plausible timestamp. */
function fromUnix(v: unknown): Date | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? new Date(v * 1000) : null;
}

function latest(dates: (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}

/** A subscription's period end: on the subscription before 2025-03-31, on its items since. */
function subscriptionPeriodEnd(sub: Obj | null): Date | null {
  if (!sub) return null;
  return (
    fromUnix(sub.current_period_end) ??
    latest(list(sub.items).map((item) => fromUnix(obj(item)?.current_period_end)))
  );
}

/** `checkout.session.completed`: the session of a subscription checkout. */
export function checkoutFacts(session: unknown): BillingFacts {
  const s = obj(session) ?? {};
  return {
    membershipId: str(s.client_reference_id) ?? membershipOf(s),
    subscriptionId: idOf(s.subscription),
    customerId: idOf(s.customer),
    periodEnd: subscriptionPeriodEnd(obj(s.subscription)),
  };
}

/** `invoice.paid`, `invoice.payment_failed`: the period paid is the subscription line's. */
export function invoiceFacts(invoice: unknown): BillingFacts {
  const inv = obj(invoice) ?? {};
  const details = obj(obj(inv.parent)?.subscription_details) ?? obj(inv.subscription_details);
  return {
    membershipId: membershipOf(details) ?? membershipOf(inv.subscription),
    subscriptionId: idOf(inv.subscription) ?? idOf(details?.subscription),
    customerId: idOf(inv.customer),
    periodEnd: latest(list(inv.lines).map((line) => fromUnix(obj(obj(line)?.period)?.end))),
  };
}

/** `customer.subscription.deleted`: the subscription itself. */
export function subscriptionFacts(subscription: unknown): BillingFacts {
  const sub = obj(subscription) ?? {};
  return {
    membershipId: membershipOf(sub),
    subscriptionId: str(sub.id),
    customerId: idOf(sub.customer),
    periodEnd: null,
  };
}
