import type { EntityData } from '@mikro-orm/core';
import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { PubSub } from '../../infra/pubsub.js';
import { Membership } from './membership.entity.js';
import { MEMBERSHIP_CHANGED, type MembershipSnapshot } from './memberships.topics.js';

export function membershipSnapshot(m: Membership): MembershipSnapshot {
  return {
    id: m.id,
    tierId: m.tier.id,
    memberId: m.member.id,
    creatorId: m.creatorId,
    status: m.status,
    currentPeriodEnd: m.currentPeriodEnd ? m.currentPeriodEnd.toISOString() : null,
    cancelAtPeriodEnd: m.cancelAtPeriodEnd,
    createdAt: m.createdAt.toISOString(),
  };
}

/** The membership of an event, registered as loaded in a fresh EntityManager. */
export function membershipFromSnapshot(em: Em, s: MembershipSnapshot): Membership {
  return em.merge(Membership, {
    id: s.id,
    tier: s.tierId,
    member: s.memberId,
    creatorId: s.creatorId,
    status: s.status,
    currentPeriodEnd: s.currentPeriodEnd ? new Date(s.currentPeriodEnd) : null,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    createdAt: new Date(s.createdAt),
  } as EntityData<Membership>);
}

/** Tells members, on every process, that a membership of theirs changed (after it committed). */
export class MembershipEvents {
  constructor(
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
  ) {}

  async changed(m: Membership): Promise<void> {
    try {
      await this.pubsub.publish(MEMBERSHIP_CHANGED, membershipSnapshot(m), m.member.id);
    } catch (err) {
      this.logger.error({ err }, 'publishing a membership change failed');
    }
  }
}
