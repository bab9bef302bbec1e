import { randomUUID } from 'node:crypto';
import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../accounts/index.js';
import { Tier } from './tier.entity.js';

export enum MembershipStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  PAST_DUE = 'PAST_DUE',
  CANCELED = 'CANCELED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(MembershipStatus, {
  name: 'MembershipStatus',
  valuesConfig: {
    PENDING: {
      description: 'Waiting for the billing provider to confirm the first payment; no access yet.',
    },
    PAST_DUE: { description: 'A renewal payment failed; access continues until currentPeriodEnd.' },
    CANCELED: { description: 'Cancelled; access continues until currentPeriodEnd.' },
    EXPIRED: { description: 'No access.' },
  },
});

/** Statuses of a membership that is still open: joining again returns it. */
export const OPEN_STATUSES = [
  MembershipStatus.PENDING,
  MembershipStatus.ACTIVE,
  MembershipStatus.PAST_DUE,
] as const;

/** `tier:member` while open: the unique index that lets one open membership exist per pair. */
export const openKey = (tierId: string, memberId: string) => `${tierId}:${memberId}`;

/**
 * A member's membership of one tier. Access is decided from `status` and
 * `currentPeriodEnd` by the policy (memberships.policy.ts), which compares the time itself:
 * the expiry job only tidies the status.
 */
@Entity({ tableName: 'memberships' })
@Index({ properties: ['member', 'status'] })
@Index({ properties: ['tier', 'status', 'createdAt', 'id'] })
@Index({ properties: ['creatorId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'currentPeriodEnd'] })
@ObjectType()
export class Membership {
  [OptionalProps]?:
    | 'currentPeriodEnd'
    | 'cancelAtPeriodEnd'
    | 'createdAt'
    | 'updatedAt'
    | 'openKey'
    | 'checkoutUrl'
    | 'providerSubscriptionId'
    | 'providerCustomerId';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Tier, { ref: true, deleteRule: 'cascade' })
  tier!: Ref<Tier>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  member!: Ref<User>;

  /** The tier's creator, copied: the creator's lists and the grants read no join. */
  @Property({ type: 'uuid' })
  creatorId!: string;

  // A plain column: MikroORM 6 misreads SQLite enum checks of 3+ items as schema drift.
  @Property({ type: 'string', length: 16 })
  @Field(() => MembershipStatus)
  status!: MembershipStatus;

  @Property({ type: Date, length: 3, nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'Access ends at this time unless the membership is renewed. Null for a free tier.',
  })
  currentPeriodEnd?: Date | null;

  @Property({ type: 'boolean', default: false })
  @Field(() => Boolean)
  cancelAtPeriodEnd: boolean = false;

  @Property({ type: 'string', length: 80, nullable: true, unique: true })
  openKey?: string | null;

  /** Where the member completes the first payment (paid tiers, while PENDING). */
  @Property({ type: 'text', nullable: true })
  checkoutUrl?: string | null;

  @Property({ type: 'string', length: 255, nullable: true, index: true })
  providerSubscriptionId?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  providerCustomerId?: string | null;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: Date, length: 3 })
  updatedAt: Date = new Date();
}
