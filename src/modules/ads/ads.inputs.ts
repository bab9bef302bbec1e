import { Field, InputType, Int } from 'type-graphql';
import { ContentKind } from '../content/index.js';
import { MoneyInput } from '../memberships/index.js';
import { AdEventType, Pacing } from './ads.enums.js';

@InputType()
export class TargetingInput {
  @Field(() => [String], { nullable: true })
  tags?: string[] | null;
  @Field(() => [ContentKind], { nullable: true })
  kinds?: ContentKind[] | null;
}

@InputType()
export class FrequencyCapInput {
  @Field(() => Int)
  impressions!: number;
  @Field(() => Int)
  perHours!: number;
}

@InputType()
export class CreateCampaignInput {
  @Field(() => String)
  name!: string;
  @Field(() => MoneyInput)
  budget!: MoneyInput;
  @Field(() => MoneyInput)
  cpm!: MoneyInput;
  @Field(() => Date)
  startsAt!: Date;
  @Field(() => Date)
  endsAt!: Date;
  @Field(() => Pacing, { nullable: true, defaultValue: Pacing.EVEN })
  pacing?: Pacing | null;
  @Field(() => TargetingInput, { nullable: true })
  targeting?: TargetingInput | null;
  @Field(() => FrequencyCapInput, { nullable: true })
  frequencyCap?: FrequencyCapInput | null;
}

@InputType()
export class UpdateCampaignInput {
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => MoneyInput, { nullable: true, description: 'Never below what is already spent.' })
  budget?: MoneyInput | null;
  @Field(() => Date, { nullable: true })
  endsAt?: Date | null;
  @Field(() => Pacing, { nullable: true })
  pacing?: Pacing | null;
  @Field(() => TargetingInput, { nullable: true })
  targeting?: TargetingInput | null;
  @Field(() => FrequencyCapInput, { nullable: true })
  frequencyCap?: FrequencyCapInput | null;
}

@InputType()
export class CreativeInput {
  @Field(() => String)
  headline!: string;
  @Field(() => String, { nullable: true })
  body?: string | null;
  @Field(() => String, { nullable: true })
  imageUrl?: string | null;
  @Field(() => String)
  clickUrl!: string;
}

@InputType()
export class AdEventInput {
  @Field(() => String)
  impressionToken!: string;
  @Field(() => AdEventType)
  type!: AdEventType;
}
