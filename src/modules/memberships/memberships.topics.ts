import type { MembershipStatus } from './membership.entity.js';

/** A membership as it crosses pub/sub: dates as ISO strings. */
export interface MembershipSnapshot {
  id: string;
  tierId: string;
  memberId: string;
  creatorId: string;
  status: MembershipStatus;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  createdAt: string;
}

/** Per-member channel: one of the member's memberships changed status or period. */
export const MEMBERSHIP_CHANGED = 'membership.changed';

declare module '../../infra/pubsub.js' {
  interface Topics {
    [MEMBERSHIP_CHANGED]: MembershipSnapshot;
  }
}
