import type { Em } from '../../../infra/db.js';
import type { Logger } from '../../../infra/logger.js';
import { Membership, MembershipStatus } from '../membership.entity.js';
import type { MembershipEvents } from '../memberships.events.js';
import { MembershipsJob } from './memberships-job.entity.js';

const JOB = 'expiry';
/** A sweep that has not finished by then is presumed dead (its process crashed). */
const LEASE_MS = 5 * 60_000;
/** Memberships read per statement; a sweep goes on until none is due (at most MAX_BATCHES). */
const BATCH = 200;
const MAX_BATCHES = 50;
const EXPIRING = [MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE, MembershipStatus.CANCELED];

export interface ExpiryDeps {
  fork(): Em;
  events: MembershipEvents;
  logger: Logger;
  graceSeconds: number;
  intervalMs: number;
}

/**
 * Moves memberships whose period (plus the grace) has ended to EXPIRED, and tells their
 * members. It only tidies statuses: the access rule compares the time itself, so a sweep
 * that is late or missed never extends access. One process sweeps at a time (a claim in
 * `memberships_jobs`, as the recommendations rebuild does), about once per interval.
 */
export class ExpirySweep {
  constructor(private readonly deps: ExpiryDeps) {}

  /** The number of memberships this call expired (0 when another process holds the job). */
  async sweep(now = new Date()): Promise<number> {
    const em = this.deps.fork();
    if (!(await this.claim(em, now.getTime()))) return 0;
    let expired = 0;
    try {
      const cutoff = new Date(now.getTime() - this.deps.graceSeconds * 1000);
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const due = await this.deps
          .fork()
          .find(
            Membership,
            { status: { $in: EXPIRING }, currentPeriodEnd: { $lt: cutoff } },
            { orderBy: { currentPeriodEnd: 'asc', id: 'asc' }, limit: BATCH },
          );
        for (const m of due) if (await this.expire(em, m, cutoff, now)) expired++;
        if (due.length < BATCH) break;
      }
    } finally {
      // Done for now: free again just before the next interval's ticks.
      await em.nativeUpdate(
        MembershipsJob,
        { name: JOB },
        { claimedUntil: Date.now() + Math.floor(this.deps.intervalMs / 2) },
      );
    }
    if (expired) this.deps.logger.info({ expired }, 'expired memberships');
    return expired;
  }

  /**
   * Conditional, row by row: a renewal (invoice.paid) committed since the read moved the
   * period on, and then the row no longer matches and stays as it is.
   */
  private async expire(em: Em, m: Membership, cutoff: Date, now: Date): Promise<boolean> {
    const n = await em.nativeUpdate(
      Membership,
      { id: m.id, status: { $in: EXPIRING }, currentPeriodEnd: { $lt: cutoff } },
      { status: MembershipStatus.EXPIRED, openKey: null, updatedAt: now },
    );
    if (!n) return false;
    m.status = MembershipStatus.EXPIRED;
    m.openKey = null;
    m.updatedAt = now;
    await this.deps.events.changed(m);
    return true;
  }

  private async claim(em: Em, now: number): Promise<boolean> {
    await em
      .createQueryBuilder(MembershipsJob)
      .insert({ name: JOB, claimedUntil: 0 })
      .onConflict('name')
      .ignore()
      .execute('run');
    const claimed = await em.nativeUpdate(
      MembershipsJob,
      { name: JOB, claimedUntil: { $lt: now } },
      { claimedUntil: now + LEASE_MS },
    );
    return claimed > 0;
  }
}
