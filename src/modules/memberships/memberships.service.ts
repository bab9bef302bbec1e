import { AppError, badInput, conflict, ErrorCode, forbidden, notFound } from '../../errors.js';
import { commit, type Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { isAdminUser, isId, type Actor, type SignedInActor } from '../accounts/index.js';
import { Tier, BillingInterval } from './tier.entity.js';
import { Membership, MembershipStatus, OPEN_STATUSES, openKey } from './membership.entity.js';
import { MembershipsReason } from './memberships.errors.js';
import type { CreateTierInput, UpdateTierInput } from './memberships.inputs.js';
import { canCancel } from './memberships.policy.js';
import {
  MAX_TIERS_PER_CREATOR,
  validateDescription,
  validateMoney,
  validatePerks,
  validateTierName,
} from './memberships.validation.js';
import type { BillingProvider } from './billing/billing.provider.js';
import type { MembershipEvents } from './memberships.events.js';

export interface MembershipsDeps {
  provider: BillingProvider;
  events: MembershipEvents;
  logger: Logger;
}

const isFree = (tier: Tier) => tier.priceMinor === 0;

/** The provider did not answer or refused: nothing was written, the member may retry. */
const billingFailed = (message: string) =>
  new AppError(ErrorCode.Unavailable, message, { retryAfter: 5 }, MembershipsReason.BILLING_FAILED);

/** The memberships a list shows at most (`myMemberships` is not paged). */
const MAX_MY_MEMBERSHIPS = 500;

/** Tiers and memberships: creating, joining, cancelling (access: memberships.access.ts). */
export class MembershipsService {
  constructor(readonly deps: MembershipsDeps) {}

  // ------------------------------------------------------------------ tiers

  createTier(actor: SignedInActor, input: CreateTierInput): Promise<Tier> {
    const name = validateTierName(input.name);
    const description = validateDescription(input.description);
    const price = validateMoney('price', input.price);
    const perks = validatePerks(input.perks ?? []);
    return commit(actor, async (tx) => {
      const open = await tx.count(Tier, { creator: actor.viewer.id, archived: false });
      if (open >= MAX_TIERS_PER_CREATOR)
        throw conflict(
          'tiers',
          `A creator has at most ${MAX_TIERS_PER_CREATOR} tiers that take members; archive one first`,
          MembershipsReason.TOO_MANY_TIERS,
        );
      return tx.create(Tier, {
        creator: actor.viewer.id,
        name,
        description,
        priceMinor: price.amountMinor,
        currency: price.currency,
        interval: input.interval ?? BillingInterval.MONTH,
        perks,
      });
    });
  }

  updateTier(actor: SignedInActor, id: string, input: UpdateTierInput): Promise<Tier> {
    return commit(actor, async (tx) => {
      const tier = await this.ownTier(tx, actor, id);
      if (input.name !== undefined && input.name !== null) tier.name = validateTierName(input.name);
      if (input.description !== undefined)
        tier.description = validateDescription(input.description);
      if (input.perks !== undefined && input.perks !== null)
        tier.perks = validatePerks(input.perks);
      tier.updatedAt = new Date();
      return tier;
    });
  }

  archiveTier(actor: SignedInActor, id: string): Promise<Tier> {
    return commit(actor, async (tx) => {
      const tier = await this.ownTier(tx, actor, id);
      if (!tier.archived) {
        tier.archived = true;
        tier.updatedAt = new Date();
      }
      return tier;
    });
  }

  async tier(actor: Actor, id: string): Promise<Tier | null> {
    return isId(id) ? actor.em.findOne(Tier, { id: id.toLowerCase() }) : null;
  }

  // ------------------------------------------------------------------ memberships

  /**
   * Joins a tier: a free tier is ACTIVE at once; a paid one is PENDING with a checkout URL
   * until the provider confirms payment (webhook). An open membership is returned as it is.
   */
  async join(
    actor: SignedInActor,
    tierId: string,
    baseUrl: string,
  ): Promise<{ membership: Membership; checkoutUrl: string | null }> {
    const viewer = actor.viewer;
    const { membership, created, tier } = await commit(actor, async (tx) => {
      const tier = isId(tierId) ? await tx.findOne(Tier, { id: tierId.toLowerCase() }) : null;
      if (!tier) throw notFound('Tier');
      if (tier.creator.id === viewer.id)
        throw badInput('tierId', 'You cannot join your own tier', MembershipsReason.OWN_TIER);
      const existing = await tx.findOne(Membership, {
        tier: tier.id,
        member: viewer.id,
        status: { $in: [...OPEN_STATUSES] },
      });
      if (existing) return { membership: existing, created: false, tier };
      if (tier.archived)
        throw conflict('tierId', 'This tier takes no new members', MembershipsReason.TIER_ARCHIVED);
      if (!isFree(tier) && this.deps.provider.name === 'none')
        throw conflict(
          'tierId',
          'Paid tiers take no new members: billing is not configured',
          MembershipsReason.BILLING_UNAVAILABLE,
        );
      const inserted = await tx
        .createQueryBuilder(Membership)
        .insert({
          id: crypto.randomUUID(),
          tier: tier.id,
          member: viewer.id,
          creatorId: tier.creator.id,
          status: isFree(tier) ? MembershipStatus.ACTIVE : MembershipStatus.PENDING,
          openKey: openKey(tier.id, viewer.id),
          cancelAtPeriodEnd: false,
          createdAt: new Date(),
          updatedAt: new Date(),
        })
        .onConflict('open_key')
        .ignore()
        .execute('run');
      // A concurrent join of the same pair won the unique open key: return its membership.
      const membership = await tx.findOneOrFail(Membership, {
        openKey: openKey(tier.id, viewer.id),
      });
      return { membership, created: inserted.affectedRows > 0, tier };
    });
    if (isFree(tier)) {
      if (created) await this.deps.events.changed(membership);
      return { membership, checkoutUrl: null };
    }
    if (membership.checkoutUrl || !created)
      return { membership, checkoutUrl: membership.checkoutUrl ?? null };
    return { membership, checkoutUrl: await this.startCheckout(actor, membership, tier, baseUrl) };
  }

  /**
   * Asks the provider for a checkout and keeps its URL. The PENDING membership was
   * committed first (no transaction is held across the provider's call); when the provider
   * fails, the membership is removed again, so nothing is left half-written.
   */
  private async startCheckout(
    actor: SignedInActor,
    membership: Membership,
    tier: Tier,
    baseUrl: string,
  ): Promise<string> {
    let url: string;
    try {
      ({ url } = await this.deps.provider.checkout({
        membershipId: membership.id,
        tierId: tier.id,
        tierName: tier.name,
        amountMinor: tier.priceMinor,
        currency: tier.currency,
        interval: tier.interval,
        memberId: actor.viewer.id,
        memberEmail: actor.viewer.email,
        baseUrl,
      }));
    } catch (err) {
      this.deps.logger.error({ err, membershipId: membership.id }, 'billing checkout failed');
      await actor.em.fork().nativeDelete(Membership, {
        id: membership.id,
        status: MembershipStatus.PENDING,
      });
      throw billingFailed('The billing provider could not start a checkout; try again');
    }
    await actor.em.fork().nativeUpdate(Membership, { id: membership.id }, { checkoutUrl: url });
    membership.checkoutUrl = url;
    return url;
  }

  /**
   * Cancels: a free or PENDING membership ends at once (EXPIRED); a paid one keeps access
   * until its period ends (`cancelAtPeriodEnd`), and the provider is told.
   */
  async cancel(actor: SignedInActor, id: string): Promise<Membership> {
    const found = isId(id)
      ? await actor.em.findOne(Membership, { id: id.toLowerCase() }, { populate: ['tier'] })
      : null;
    if (!found) throw notFound('Membership');
    if (!canCancel(actor.viewer, found.member.id))
      throw forbidden('Only the member may cancel this membership', MembershipsReason.NOT_MEMBER);
    const endsAtOnce = isFree(found.tier.getEntity()) || found.status === MembershipStatus.PENDING;
    // The provider first: were it to fail after the commit, the member would be charged on.
    if (!endsAtOnce && found.providerSubscriptionId && !found.cancelAtPeriodEnd) {
      try {
        await this.deps.provider.cancelAtPeriodEnd(found.providerSubscriptionId);
      } catch (err) {
        this.deps.logger.error({ err, membershipId: found.id }, 'billing cancellation failed');
        throw billingFailed('The billing provider could not cancel the subscription; try again');
      }
    }
    const { membership, changed } = await commit(actor, async (tx) => {
      const m = await tx.findOneOrFail(Membership, { id: found.id });
      if (m.status === MembershipStatus.EXPIRED || m.status === MembershipStatus.CANCELED)
        return { membership: m, changed: false };
      if (endsAtOnce) {
        m.status = MembershipStatus.EXPIRED;
        m.openKey = null;
      } else if (!m.cancelAtPeriodEnd) {
        m.cancelAtPeriodEnd = true;
      } else return { membership: m, changed: false };
      m.updatedAt = new Date();
      return { membership: m, changed: true };
    });
    if (changed) await this.deps.events.changed(membership);
    return membership;
  }

  myMemberships(actor: SignedInActor): Promise<Membership[]> {
    return actor.em.find(
      Membership,
      { member: actor.viewer.id },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: MAX_MY_MEMBERSHIPS },
    );
  }

  // ------------------------------------------------------------------ helpers

  private async ownTier(tx: Em, actor: SignedInActor, id: string): Promise<Tier> {
    const tier = isId(id) ? await tx.findOne(Tier, { id: id.toLowerCase() }) : null;
    if (!tier) throw notFound('Tier');
    if (tier.creator.id !== actor.viewer.id && !isAdminUser(actor.viewer))
      throw forbidden("Only the tier's creator may change it", MembershipsReason.NOT_TIER_CREATOR);
    return tier;
  }
}
