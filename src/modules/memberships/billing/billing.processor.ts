import { LockMode } from '@mikro-orm/core';
import { commit, type DbKind, type Em } from '../../../infra/db.js';
import type { Logger } from '../../../infra/logger.js';
import { isId } from '../../accounts/index.js';
import { BillingEvent } from '../billing-event.entity.js';
import { Membership, MembershipStatus } from '../membership.entity.js';
import type { MembershipEvents } from '../memberships.events.js';
import { Tier } from '../tier.entity.js';
import type { BillingFacts, ProviderEvent } from './billing.payloads.js';
import { TRANSITIONS } from './billing.transitions.js';

/**
 * What became of an event: `applied` (the membership changed, its member was told),
 * `unchanged` (nothing to do for its status), `duplicate` (seen before), `unknown-membership`,
 * `ignored` (a type not handled). Every one is acknowledged to the provider.
 */
export type Outcome = 'applied' | 'unchanged' | 'duplicate' | 'unknown-membership' | 'ignored';

export interface ProcessorDeps {
  fork(): Em;
  db: DbKind;
  events: MembershipEvents;
  logger: Logger;
}

/**
 * Applies verified provider events to memberships, each event id once: the event's row in
 * `billing_events` is inserted in the transaction that applies it, so a redelivery (even
 * a concurrent one on another process) waits for that transaction and then finds the id
 * taken. The webhook and the test provider's checkout page both come through here.
 */
export class BillingProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  async process(event: ProviderEvent, now = new Date()): Promise<Outcome> {
    const { logger } = this.deps;
    const log = { eventId: event.id, type: event.type };
    const transition = TRANSITIONS[event.type];
    if (!transition) {
      logger.info(log, 'billing event of a type not handled: acknowledged');
      return 'ignored';
    }
    const facts = transition.facts(event.data.object);
    let status: MembershipStatus | undefined;
    const outcome = await commit({ em: this.deps.fork() }, async (tx, committed) => {
      const inserted = await tx
        .createQueryBuilder(BillingEvent)
        .insert({ id: event.id, type: event.type, receivedAt: now })
        .onConflict('id')
        .ignore()
        .execute('run');
      if (!inserted.affectedRows) return 'duplicate' as const;
      const m = await this.membership(tx, facts);
      // Recorded all the same: the provider would redeliver it unchanged, to no avail.
      if (!m) return 'unknown-membership' as const;
      const interval = async () => (await tx.findOneOrFail(Tier, m.tier.id)).interval;
      const changed = await transition.apply(m, { facts, now, interval });
      status = m.status;
      if (!changed) return 'unchanged' as const;
      m.updatedAt = now;
      committed.afterCommit(() => this.deps.events.changed(m));
      return 'applied' as const;
    });
    if (outcome === 'unknown-membership')
      logger.warn(
        { ...log, membershipId: facts.membershipId, subscriptionId: facts.subscriptionId },
        'billing event for no known membership: acknowledged',
      );
    else if (
      event.type === 'checkout.session.completed' &&
      (status === MembershipStatus.EXPIRED || status === MembershipStatus.CANCELED)
    )
      // Paid for a membership that had ended meanwhile (cancelled while pending): a refund case.
      logger.warn({ ...log, status }, 'checkout completed for a membership no longer pending');
    else logger.info({ ...log, outcome, status }, 'billing event processed');
    return outcome;
  }

  /**
   * The event's membership, locked until the transaction ends on PostgreSQL (two events of
   * one membership apply one after the other; SQLite has one writer at a time anyway):
   * by our id (checkout reference, subscription metadata), else by the subscription's id.
   */
  private async membership(tx: Em, facts: BillingFacts): Promise<Membership | null> {
    const lockMode = this.deps.db === 'postgresql' ? LockMode.PESSIMISTIC_WRITE : undefined;
    if (facts.membershipId && isId(facts.membershipId)) {
      const m = await tx.findOne(
        Membership,
        { id: facts.membershipId.toLowerCase() },
        { lockMode },
      );
      if (m) return m;
    }
    if (!facts.subscriptionId) return null;
    return tx.findOne(Membership, { providerSubscriptionId: facts.subscriptionId }, { lockMode });
  }
}
