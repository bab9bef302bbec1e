import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { User } from '../accounts/index.js';
import { Membership } from './membership.entity.js';
import { Tier } from './tier.entity.js';
import { TierMembersArgs } from './memberships.inputs.js';
import { JoinTierPayload, MembershipConnection } from './memberships.types.js';
import type { MembershipsService } from './memberships.service.js';
import { tierMembers } from './memberships.reader.js';

@Resolver(() => Membership)
export class MembershipResolver {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly baseUrl: () => string,
  ) {}

  @Query(() => [Membership], { description: "The viewer's memberships, newest first." })
  myMemberships(@Ctx() ctx: Context) {
    return this.memberships.myMemberships(signedIn(ctx));
  }

  @Query(() => MembershipConnection, {
    description:
      "The memberships of the viewer's own tiers (admins: of anyone's, with creatorId), newest first.",
  })
  tierMembers(@Args(() => TierMembersArgs) a: TierMembersArgs, @Ctx() ctx: Context) {
    return tierMembers(signedIn(ctx), { ...a, first: a.first ?? 20 });
  }

  @Mutation(() => JoinTierPayload, {
    description:
      "Joining a tier one already has an ACTIVE, PAST_DUE or PENDING membership of returns that membership. One cannot join one's own tier.",
  })
  joinTier(@Arg('tierId', () => ID) tierId: string, @Ctx() ctx: Context) {
    return this.memberships.join(signedIn(ctx), tierId, this.baseUrl());
  }

  @Mutation(() => Membership, {
    description: 'Sets cancelAtPeriodEnd; a free membership ends at once (EXPIRED).',
  })
  cancelMembership(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.memberships.cancel(signedIn(ctx), id);
  }

  @FieldResolver(() => Tier)
  async tier(@Root() m: Membership, @Ctx() ctx: Context): Promise<Tier> {
    return (await ctx.loaders.memberships.tier.load(m.tier.id))!;
  }

  @FieldResolver(() => User)
  member(@Root() m: Membership): Promise<User> {
    return m.member.loadOrFail();
  }
}
