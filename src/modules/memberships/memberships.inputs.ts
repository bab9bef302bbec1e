import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { BillingInterval } from './tier.entity.js';
import { MembershipStatus } from './membership.entity.js';

@InputType()
export class MoneyInput {
  @Field(() => Int, { description: 'Whole minor units (cents for USD), 0 to 100 000 000.' })
  amountMinor!: number;
  @Field(() => String, { description: 'ISO 4217, upper case, e.g. USD, EUR, JPY.' })
  currency!: string;
}

@InputType()
export class CreateTierInput {
  @Field(() => String, { description: '1 to 80 characters.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Up to 2 000 characters.' })
  description?: string | null;
  @Field(() => MoneyInput, { description: 'Zero for a free tier. It never changes.' })
  price!: MoneyInput;
  @Field(() => BillingInterval, { nullable: true, defaultValue: BillingInterval.MONTH })
  interval?: BillingInterval | null;
  @Field(() => [String], { nullable: true, description: 'At most 10 of at most 120 characters.' })
  perks?: string[] | null;
}

@InputType()
export class UpdateTierInput {
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => String, { nullable: true })
  description?: string | null;
  @Field(() => [String], { nullable: true })
  perks?: string[] | null;
}

@ArgsType()
export class TierMembersArgs {
  @Field(() => ID, { nullable: true })
  tierId?: string | null;
  @Field(() => MembershipStatus, { nullable: true })
  status?: MembershipStatus | null;
  @Field(() => ID, { nullable: true, description: 'Admins: the creator whose members to list.' })
  creatorId?: string | null;
  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'At most 100.' })
  first?: number | null;
  @Field(() => String, { nullable: true })
  after?: string | null;
}
