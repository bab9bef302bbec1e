import type { Em } from '../../infra/db.js';
import { Membership, MembershipStatus } from './membership.entity.js';
import { givesAccess } from './memberships.policy.js';

const ACCESS_STATUSES = [
  MembershipStatus.ACTIVE,
  MembershipStatus.PAST_DUE,
  MembershipStatus.CANCELED,
];

/** What memberships tell other features about a member's perks (ads: paid members see none). */
export class MemberPerks {
  constructor(private readonly graceSeconds: number) {}

  /** Whether `userId` holds, at `now`, a membership of one of `creatorId`'s paid tiers: one query. */
  async paidMemberOf(em: Em, userId: string, creatorId: string, now: Date): Promise<boolean> {
    const rows = await em.find(
      Membership,
      {
        member: userId,
        creatorId,
        status: { $in: ACCESS_STATUSES },
        tier: { priceMinor: { $gt: 0 } },
      },
      { fields: ['status', 'currentPeriodEnd'], disableIdentityMap: true, limit: 20 },
    );
    return rows.some((m) =>
      givesAccess(
        { status: m.status, currentPeriodEnd: m.currentPeriodEnd ?? null },
        now,
        this.graceSeconds,
      ),
    );
  }
}
