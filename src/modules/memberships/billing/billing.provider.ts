import type { BillingInterval } from '../tier.entity.js';

/** What a checkout sells: one membership of one tier, at the tier's price. */
export interface CheckoutRequest {
  membershipId: string;
  tierId: string;
  tierName: string;
  amountMinor: number;
  currency: string;
  interval: BillingInterval;
  memberId: string;
  memberEmail: string;
  /** The server's public base URL (no trailing slash), for return pages. */
  baseUrl: string;
}

/**
 * The billing provider's side of memberships: where a member pays, and how a subscription
 * is told to end. Confirmations come back as webhook events (billing.webhook.ts).
 */
export interface BillingProvider {
  readonly name: 'stripe' | 'test' | 'none';
  /** A checkout session for the membership: the URL the member opens. */
  checkout(request: CheckoutRequest): Promise<{ url: string; sessionId: string }>;
  /** Ends the provider's subscription at the end of its period (cancelMembership). */
  cancelAtPeriodEnd(subscriptionId: string): Promise<void>;
}
