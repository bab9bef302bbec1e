import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../../infra/pagination.js';
import { Membership } from './membership.entity.js';

@ObjectType()
export class MembershipEdge {
  @Field(() => String)
  cursor!: string;
  @Field(() => Membership)
  node!: Membership;
}

@ObjectType()
export class MembershipConnection {
  @Field(() => [MembershipEdge])
  edges!: MembershipEdge[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class JoinTierPayload {
  @Field(() => Membership)
  membership!: Membership;
  @Field(() => String, {
    nullable: true,
    description:
      'For a paid tier: where the member completes payment with the billing provider. Null for a free tier, which is ACTIVE at once.',
  })
  checkoutUrl?: string | null;
}
