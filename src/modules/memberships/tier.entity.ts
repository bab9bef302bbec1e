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
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../accounts/index.js';

export enum BillingInterval {
  MONTH = 'MONTH',
  YEAR = 'YEAR',
}
registerEnumType(BillingInterval, { name: 'BillingInterval' });

/** An amount in the currency's minor unit (cents for USD), with its ISO 4217 code. */
@ObjectType({
  description: "An amount in the currency's minor unit (cents for USD), with its ISO 4217 code.",
})
export class Money {
  @Field(() => Int)
  amountMinor!: number;
  @Field(() => String)
  currency!: string;
}

/**
 * A creator's tier. Its price is fixed at creation (members were sold that price: a new
 * price is a new tier), in integer minor units; archiving stops new members only.
 */
@Entity({ tableName: 'tiers' })
@Index({ properties: ['creator', 'archived', 'priceMinor'] })
@ObjectType()
export class Tier {
  [OptionalProps]?: 'description' | 'perks' | 'archived' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  creator!: Ref<User>;

  @Property({ type: 'string', length: 80 })
  @Field(() => String)
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  description?: string | null;

  /** Zero for a free tier. Never changes. */
  @Property({ type: 'integer' })
  priceMinor!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  // A plain column: MikroORM 6 misreads SQLite enum checks as schema drift.
  @Property({ type: 'string', length: 8 })
  @Field(() => BillingInterval)
  interval!: BillingInterval;

  @Property({ type: 'json' })
  @Field(() => [String])
  perks: string[] = [];

  @Property({ type: 'boolean', default: false })
  @Field(() => Boolean, {
    description:
      'An archived tier takes no new members; its active members keep access until their period ends.',
  })
  archived: boolean = false;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: Date, length: 3 })
  updatedAt: Date = new Date();
}
