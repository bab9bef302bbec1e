import { raw } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import type { Em } from '../../infra/db.js';
import { Tier } from './tier.entity.js';
import { Membership, MembershipStatus } from './membership.entity.js';

/** Per-request (per-event for subscriptions) loaders of the memberships feature. */
export function createMembershipsLoaders(em: Em) {
  return {
    tier: new DataLoader<string, Tier | null>(async (ids) => {
      const found = await em.find(Tier, { id: { $in: [...ids] } });
      const byId = new Map(found.map((t) => [t.id, t]));
      return ids.map((id) => byId.get(id) ?? null);
    }),

    /** Each creator's tiers that take new members, cheapest first. */
    openTiers: new DataLoader<string, Tier[]>(async (creatorIds) => {
      const found = await em.find(
        Tier,
        { creator: { $in: [...creatorIds] }, archived: false },
        { orderBy: { priceMinor: 'asc', createdAt: 'asc', id: 'asc' } },
      );
      return creatorIds.map((id) => found.filter((t) => t.creator.id === id));
    }),

    /** ACTIVE and PAST_DUE memberships of each tier: one grouped count for a list. */
    activeMembers: new DataLoader<string, number>(async (tierIds) => {
      const rows = await em
        .createQueryBuilder(Membership, 'm')
        .select(['m.tier_id', raw('count(*) as n')])
        .where({
          tier: { $in: [...tierIds] },
          status: { $in: [MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE] },
        })
        .groupBy('m.tier_id')
        .execute<{ tier_id: string; n: number | string }[]>('all', false);
      const counts = new Map(rows.map((r) => [r.tier_id, Number(r.n)]));
      return tierIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type MembershipsLoaders = ReturnType<typeof createMembershipsLoaders>;
