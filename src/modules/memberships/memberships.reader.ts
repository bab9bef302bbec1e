import type { FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import { forbidden, notFound } from '../../errors.js';
import { keysetPosition, pageSize, toPage, type Page, type Slot } from '../../infra/pagination.js';
import { isAdminUser, isId, type SignedInActor } from '../accounts/index.js';
import { Membership, type MembershipStatus } from './membership.entity.js';
import { Tier } from './tier.entity.js';
import { MembershipsReason } from './memberships.errors.js';

const ORDER: QueryOrderMap<Membership> = { createdAt: 'desc', id: 'desc' };
const SHAPE: readonly Slot[] = ['date', 'id'];

export interface TierMembersQuery {
  tierId?: string | null;
  status?: MembershipStatus | null;
  creatorId?: string | null;
  first: number;
  after?: string | null;
}

/**
 * The memberships of a creator's tiers, newest first: the viewer's own tiers, or (admins)
 * anyone's with `creatorId`. A tier of someone else is FORBIDDEN; an unknown one NOT_FOUND.
 */
export async function tierMembers(
  actor: SignedInActor,
  q: TierMembersQuery,
): Promise<Page<Membership>> {
  const viewer = actor.viewer;
  const size = pageSize(q.first);
  let creatorId = viewer.id;
  if (q.creatorId && q.creatorId.toLowerCase() !== viewer.id) {
    if (!isAdminUser(viewer))
      throw forbidden(
        "Only admins may list another creator's members",
        MembershipsReason.NOT_TIER_CREATOR,
      );
    if (!isId(q.creatorId)) throw notFound('User');
    creatorId = q.creatorId.toLowerCase();
  }
  const where: FilterQuery<Membership> = { creatorId };
  if (q.tierId) {
    const tier = isId(q.tierId)
      ? await actor.em.findOne(Tier, { id: q.tierId.toLowerCase() })
      : null;
    if (!tier) throw notFound('Tier');
    if (tier.creator.id !== creatorId && !isAdminUser(viewer))
      throw forbidden(
        "Only the tier's creator may list its members",
        MembershipsReason.NOT_TIER_CREATOR,
      );
    where.creatorId = tier.creator.id;
    where.tier = tier.id;
  }
  if (q.status) where.status = q.status;
  const scope = `members:${creatorId}:${q.tierId ?? ''}:${q.status ?? ''}`;
  const cursor = await actor.em.findByCursor(Membership, where, {
    first: size,
    after: q.after ? keysetPosition(scope, q.after, SHAPE) : undefined,
    orderBy: ORDER,
  });
  return toPage(cursor.items, (m) => cursor.from(m), scope, {
    hasNextPage: cursor.hasNextPage,
    hasPreviousPage: !!q.after,
    totalCount: cursor.totalCount,
  });
}
