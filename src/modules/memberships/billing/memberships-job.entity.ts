import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A background job of memberships that one process at a time runs (the expiry sweep). */
@Entity({ tableName: 'memberships_jobs' })
export class MembershipsJob {
  @PrimaryKey({ type: 'string', length: 32 })
  name!: string;

  /** Until when (ms since the epoch) a process holds the job, or has done it for now. */
  @Property({ type: new BigIntType('number') })
  claimedUntil!: number;
}
