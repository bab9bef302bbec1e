import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { PerViewer } from '../../infra/shared-execution.js';
import { User } from '../accounts/index.js';
import { Content } from '../content/index.js';
import { Money, Tier } from './tier.entity.js';
import { CreateTierInput, UpdateTierInput } from './memberships.inputs.js';
import { canSeeMembers } from './memberships.policy.js';
import type { MembershipsService } from './memberships.service.js';

@Resolver(() => Tier)
export class TierResolver {
  constructor(private readonly memberships: MembershipsService) {}

  @Query(() => Tier, { nullable: true })
  tier(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.memberships.tier(ctx, id);
  }

  @Mutation(() => Tier)
  createTier(@Arg('input', () => CreateTierInput) input: CreateTierInput, @Ctx() ctx: Context) {
    return this.memberships.createTier(signedIn(ctx), input);
  }

  @Mutation(() => Tier, {
    description: 'The price of a tier cannot change; create another tier instead.',
  })
  updateTier(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateTierInput) input: UpdateTierInput,
    @Ctx() ctx: Context,
  ) {
    return this.memberships.updateTier(signedIn(ctx), id, input);
  }

  @Mutation(() => Tier)
  archiveTier(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.memberships.archiveTier(signedIn(ctx), id);
  }

  @FieldResolver(() => User)
  creator(@Root() tier: Tier): Promise<User> {
    return tier.creator.loadOrFail();
  }

  @FieldResolver(() => Money, { description: 'Zero for a free tier.' })
  price(@Root() tier: Tier): Money {
    return { amountMinor: tier.priceMinor, currency: tier.currency };
  }

  @PerViewer()
  @FieldResolver(() => Int, {
    nullable: true,
    description:
      'Members whose membership is ACTIVE or PAST_DUE. The creator and admins only; null for anyone else.',
  })
  activeMembers(@Root() tier: Tier, @Ctx() ctx: Context): Promise<number> | null {
    if (!canSeeMembers(ctx.viewer, tier.creator.id)) return null;
    return ctx.loaders.memberships.activeMembers.load(tier.id);
  }
}

@Resolver(() => User)
export class UserTiersResolver {
  @FieldResolver(() => [Tier], {
    description: "The user's tiers that take new members, cheapest first.",
  })
  tiers(@Root() user: User, @Ctx() ctx: Context): Promise<Tier[]> {
    return ctx.loaders.memberships.openTiers.load(user.id);
  }
}

@Resolver(() => Content)
export class ContentTiersResolver {
  @FieldResolver(() => [Tier], {
    description: 'For TIERS: the tiers whose members may read it. Empty otherwise.',
  })
  async tiers(@Root() content: Content, @Ctx() ctx: Context): Promise<Tier[]> {
    if (!content.tierIds.length) return [];
    const tiers = await ctx.loaders.memberships.tier.loadMany(content.tierIds);
    return tiers.filter((t): t is Tier => t instanceof Tier);
  }
}
