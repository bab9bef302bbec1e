import { randomUUID } from 'node:crypto';
import {
  BigIntType,
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { ContentKind } from '../content/index.js';
import { Organization } from '../partners/index.js';
import { CampaignStatus, Pacing } from './ads.enums.js';

/**
 * An organisation's campaign. Money is integer: the budget and CPM in minor units, the
 * spend in micro-units of the minor unit (one impression costs `cpmMinor * 1000` of them),
 * so fractions of a cent add up exactly. `spentMicros`, `impressions` and `clicks` change
 * only through the conditional statements of `ads.charge.ts`.
 */
@Entity({ tableName: 'ad_campaigns' })
@Index({ properties: ['organization', 'createdAt'] })
@Index({ properties: ['status'] })
@ObjectType()
export class Campaign {
  [OptionalProps]?:
    | 'spentMicros'
    | 'impressions'
    | 'clicks'
    | 'createdAt'
    | 'updatedAt'
    | 'tags'
    | 'kinds'
    | 'capImpressions'
    | 'capHours'
    | 'version';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @Property({ type: 'string', length: 100 })
  @Field(() => String)
  name!: string;

  // A plain column: MikroORM 6 misreads SQLite enum checks of 3+ items as schema drift.
  @Property({ type: 'string', length: 8 })
  @Field(() => CampaignStatus)
  status!: CampaignStatus;

  @Property({ type: 'integer' })
  budgetMinor!: number;

  @Property({ type: 'integer' })
  cpmMinor!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: new BigIntType('number'), default: 0 })
  spentMicros: number = 0;

  @Property({ type: 'integer', default: 0 })
  impressions: number = 0;

  @Property({ type: 'integer', default: 0 })
  clicks: number = 0;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  startsAt!: Date;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  endsAt!: Date;

  @Property({ type: 'string', length: 4 })
  @Field(() => Pacing)
  pacing!: Pacing;

  @Property({ type: 'json' })
  tags: string[] = [];

  @Property({ type: 'json' })
  kinds: ContentKind[] = [];

  @Property({ type: 'integer', nullable: true })
  capImpressions?: number | null;

  @Property({ type: 'integer', nullable: true })
  capHours?: number | null;

  @Property({ type: Date, length: 3 })
  createdAt: Date = new Date();

  @Property({ type: Date, length: 3 })
  updatedAt: Date = new Date();

  /**
   * Bumped by every change of the campaign's settings or creatives: processes reload what
   * moved, and a charge computed from older settings changes nothing (it names its version).
   */
  @Property({ type: 'integer', default: 1 })
  version: number = 1;
}
