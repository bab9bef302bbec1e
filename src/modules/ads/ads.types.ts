import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ContentKind } from '../content/index.js';
import { Money } from '../memberships/index.js';
import { Organization } from '../partners/index.js';
import { Creative } from './creative.entity.js';

@ObjectType()
export class Targeting {
  @Field(() => [String], {
    description: 'Any of these tags on the content beside the placement; empty = any.',
  })
  tags!: string[];
  @Field(() => [ContentKind], { description: 'Empty = any.' })
  kinds!: ContentKind[];
}

@ObjectType()
export class FrequencyCap {
  @Field(() => Int)
  impressions!: number;
  @Field(() => Int)
  perHours!: number;
}

@ObjectType()
export class CampaignStats {
  @Field(() => Int)
  impressions!: number;
  @Field(() => Int)
  clicks!: number;
  @Field(() => Float, { description: 'clicks / impressions; 0 before the first impression.' })
  clickThroughRate!: number;
  @Field(() => Money)
  spent!: Money;
  @Field(() => Int, {
    description:
      'Distinct viewers shown at least one impression (with Redis a HyperLogLog estimate: about 0.81% standard error).',
  })
  reach!: number;
  @Field(() => Date)
  at!: Date;
}

@ObjectType({
  description:
    "What a viewer is shown. It names the sponsor, never the campaign's budget or targeting.",
})
export class Ad {
  @Field(() => String, {
    description:
      'Pass it to trackAdEvents; it is valid for one impression and one click, for 1 hour.',
  })
  impressionToken!: string;
  @Field(() => Creative)
  creative!: Creative;
  @Field(() => Organization)
  sponsor!: Organization;
}

@ObjectType()
export class AdEventResult {
  @Field(() => Int)
  accepted!: number;
  @Field(() => Int, {
    description: 'Repeated, expired, forged or over-budget events: counted nowhere.',
  })
  rejected!: number;
}
