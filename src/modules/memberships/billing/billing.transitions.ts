import { Membership, MembershipStatus } from '../membership.entity.js';
import { BillingInterval } from '../tier.entity.js';
import {
  checkoutFacts,
  invoiceFacts,
  subscriptionFacts,
  type BillingFacts,
} from './billing.payloads.js';

/** What a transition may need besides the event: the time, and the tier's interval. */
export interface TransitionInput {
  facts: BillingFacts;
  now: Date;
  interval: () => Promise<BillingInterval>;
}

/** Changes `m` for the event; true when something changed (and members are told). */
type Transition = (m: Membership, input: TransitionInput) => Promise<boolean>;

/** One interval after `from`, the day clamped to the month's end (31 Jan + 1 month: 28/29 Feb). */
export function addInterval(from: Date, interval: BillingInterval): Date {
  const d = new Date(from);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  if (interval === BillingInterval.YEAR) d.setUTCFullYear(d.getUTCFullYear() + 1);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** Keeps the provider's ids the event names; true when one was new. */
function remember(m: Membership, facts: BillingFacts): boolean {
  let changed = false;
  if (facts.subscriptionId && m.providerSubscriptionId !== facts.subscriptionId) {
    m.providerSubscriptionId = facts.subscriptionId;
    changed = true;
  }
  if (facts.customerId && m.providerCustomerId !== facts.customerId) {
    m.providerCustomerId = facts.customerId;
    changed = true;
  }
  return changed;
}

/** The first payment confirmed: PENDING becomes ACTIVE for one period. */
async function activate(m: Membership, input: TransitionInput): Promise<boolean> {
  if (m.status !== MembershipStatus.PENDING) return false;
  remember(m, input.facts);
  m.status = MembershipStatus.ACTIVE;
  m.currentPeriodEnd = input.facts.periodEnd ?? addInterval(input.now, await input.interval());
  m.checkoutUrl = null;
  return true;
}

const open = (m: Membership) =>
  m.status === MembershipStatus.ACTIVE || m.status === MembershipStatus.PAST_DUE;

export const TRANSITIONS: Record<
  string,
  { facts: (o: unknown) => BillingFacts; apply: Transition }
> = {
  'checkout.session.completed': {
    facts: checkoutFacts,
    // Already ACTIVE when the first invoice.paid came first: only the ids are kept.
    apply: async (m, input) => (await activate(m, input)) || (open(m) && remember(m, input.facts)),
  },
  'invoice.paid': {
    facts: invoiceFacts,
    async apply(m, input) {
      // The first invoice may be delivered before the checkout's completion.
      if (await activate(m, input)) return true;
      if (!open(m)) return false;
      const { periodEnd } = input.facts;
      let changed = remember(m, input.facts);
      if (m.status === MembershipStatus.PAST_DUE) {
        m.status = MembershipStatus.ACTIVE;
        changed = true;
      }
      // Only forward: events are not delivered in order, and an older invoice may come late.
      if (periodEnd && (!m.currentPeriodEnd || periodEnd > m.currentPeriodEnd)) {
        m.currentPeriodEnd = periodEnd;
        changed = true;
      }
      return changed;
    },
  },
  'invoice.payment_failed': {
    facts: invoiceFacts,
    // Access continues until currentPeriodEnd (the policy compares it); the provider retries.
    apply: (m) => {
      if (m.status !== MembershipStatus.ACTIVE) return Promise.resolve(false);
      m.status = MembershipStatus.PAST_DUE;
      return Promise.resolve(true);
    },
  },
  'customer.subscription.deleted': {
    facts: subscriptionFacts,
    apply: (m) => {
      if (!open(m) && m.status !== MembershipStatus.PENDING) return Promise.resolve(false);
      // Access continues until currentPeriodEnd; the member may join again at once.
      m.status = MembershipStatus.CANCELED;
      m.openKey = null;
      return Promise.resolve(true);
    },
  },
};
