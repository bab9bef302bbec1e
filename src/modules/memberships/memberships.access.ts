import { badInput } from '../../errors.js';
import type { Em } from '../../infra/db.js';
import type { User } from '../accounts/index.js';
import type { AccessGrants, BodyAccessRule } from '../content/index.js';
import { Membership, MembershipStatus } from './membership.entity.js';
import { MembershipsReason } from './memberships.errors.js';
import { canReadBody, givesAccess, NO_GRANTS, staffGrants } from './memberships.policy.js';
import { normalizeIds } from './memberships.validation.js';
import { Tier } from './tier.entity.js';

const ACCESS_STATUSES = [
  MembershipStatus.ACTIVE,
  MembershipStatus.PAST_DUE,
  MembershipStatus.CANCELED,
];

/**
 * The rule memberships provides to content (`ContentAccess`): the viewer's grants, read
 * once per request, and `canReadBody` over them.
 */
export class MembershipAccess implements BodyAccessRule {
  constructor(private readonly graceSeconds: number) {}

  readonly canReadBody = canReadBody;

  /** What `viewer` holds at `now`: one query for a signed-in user, none otherwise. */
  async grants(em: Em, viewer: User | null, now: Date): Promise<AccessGrants> {
    if (!viewer) return NO_GRANTS;
    const staff = staffGrants(viewer);
    if (staff) return staff;
    const rows = await em.find(
      Membership,
      { member: viewer.id, status: { $in: ACCESS_STATUSES } },
      { fields: ['tier', 'creatorId', 'status', 'currentPeriodEnd'], disableIdentityMap: true },
    );
    const live = rows.filter((m) =>
      givesAccess(
        { status: m.status, currentPeriodEnd: m.currentPeriodEnd ?? null },
        now,
        this.graceSeconds,
      ),
    );
    return {
      viewerId: viewer.id,
      all: false,
      creatorIds: new Set(live.map((m) => m.creatorId)),
      tierIds: new Set(live.map((m) => m.tier.id)),
    };
  }

  /** The author's own tiers among `tierIds`; BAD_USER_INPUT naming the first that is not. */
  async checkTiers(em: Em, authorId: string, tierIds: readonly string[]): Promise<string[]> {
    const ids = normalizeIds('tierIds', tierIds);
    const own = await em.find(Tier, { id: { $in: ids }, creator: authorId }, { fields: ['id'] });
    const found = new Set(own.map((t) => t.id));
    const stranger = ids.find((id) => !found.has(id));
    if (stranger)
      throw badInput(
        'tierIds',
        `${stranger} is not one of your tiers`,
        MembershipsReason.NOT_YOUR_TIER,
      );
    return ids;
  }
}
