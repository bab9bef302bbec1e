import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { subscribeThrough } from '../../live.js';
import { Money } from '../memberships/index.js';
import { Organization } from '../partners/index.js';
import { CampaignStatus } from './ads.enums.js';
import {
  AdEventInput,
  CreateCampaignInput,
  CreativeInput,
  UpdateCampaignInput,
} from './ads.inputs.js';
import type { CampaignStatsLive } from './ads.live.js';
import type { AdServing } from './ads.serving.js';
import type { CampaignsService } from './ads.service.js';
import { statsOf } from './ads.stats.js';
import type { AdTracking } from './ads.tracking.js';
import { Ad, AdEventResult, CampaignStats, FrequencyCap, Targeting } from './ads.types.js';
import { Campaign } from './campaign.entity.js';
import { Creative } from './creative.entity.js';

@Resolver(() => Campaign)
export class CampaignResolver {
  constructor(
    private readonly service: CampaignsService,
    private readonly serving: AdServing,
    private readonly tracking: AdTracking,
  ) {}

  @Query(() => [Ad], {
    description:
      'Ads for one placement (e.g. "feed", "sidebar") beside a content or none: active campaigns in their flight, matching the targeting, under their frequency caps and their paced budget, best CPM first, one creative per campaign. Members of one of the content author\'s paid tiers are shown none.',
  })
  adsForPlacement(
    @Arg('placement', () => String) placement: string,
    @Arg('contentId', () => ID, { nullable: true }) contentId: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 1 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<Ad[]> {
    return this.serving.adsFor(ctx, placement, contentId ?? null, first ?? 1);
  }

  @Query(() => [Campaign], { description: "The organisation's members, or a key with ADS_MANAGE." })
  campaigns(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('status', () => CampaignStatus, { nullable: true }) status: CampaignStatus | null,
    @Ctx() ctx: Context,
  ) {
    return this.service.list(signedIn(ctx), organizationId, status ?? null);
  }

  @Query(() => Campaign, { nullable: true })
  campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.service.find(signedIn(ctx), id);
  }

  @Mutation(() => Campaign)
  createCampaign(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('input', () => CreateCampaignInput) input: CreateCampaignInput,
    @Ctx() ctx: Context,
  ) {
    return this.service.create(signedIn(ctx), organizationId, input);
  }

  @Mutation(() => Campaign)
  updateCampaign(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCampaignInput) input: UpdateCampaignInput,
    @Ctx() ctx: Context,
  ) {
    return this.service.update(signedIn(ctx), id, input);
  }

  @Mutation(() => Creative)
  addCreative(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('input', () => CreativeInput) input: CreativeInput,
    @Ctx() ctx: Context,
  ) {
    return this.service.addCreative(signedIn(ctx), campaignId, input);
  }

  @Mutation(() => Campaign, {
    description: 'DRAFT or PAUSED to ACTIVE (it needs a creative); ACTIVE to PAUSED.',
  })
  setCampaignStatus(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => CampaignStatus) status: CampaignStatus,
    @Ctx() ctx: Context,
  ) {
    return this.service.setStatus(signedIn(ctx), id, status);
  }

  @Mutation(() => AdEventResult, {
    description: 'Impressions are charged when tracked; a click counts only after its impression.',
  })
  trackAdEvents(
    @Arg('events', () => [AdEventInput]) events: AdEventInput[],
    @Ctx() ctx: Context,
  ): Promise<AdEventResult> {
    return this.tracking.track(ctx, events);
  }

  @FieldResolver(() => Organization)
  organization(@Root() c: Campaign): Promise<Organization> {
    return c.organization.loadOrFail();
  }

  @FieldResolver(() => Money)
  budget(@Root() c: Campaign): Money {
    return { amountMinor: c.budgetMinor, currency: c.currency };
  }

  @FieldResolver(() => Money)
  cpm(@Root() c: Campaign): Money {
    return { amountMinor: c.cpmMinor, currency: c.currency };
  }

  @FieldResolver(() => Targeting)
  targeting(@Root() c: Campaign): Targeting {
    return { tags: c.tags, kinds: c.kinds };
  }

  @FieldResolver(() => FrequencyCap, { nullable: true })
  frequencyCap(@Root() c: Campaign): FrequencyCap | null {
    return c.capImpressions && c.capHours
      ? { impressions: c.capImpressions, perHours: c.capHours }
      : null;
  }

  @FieldResolver(() => [Creative])
  creatives(@Root() c: Campaign, @Ctx() ctx: Context): Promise<Creative[]> {
    return ctx.loaders.ads.creatives.load(c.id);
  }

  @FieldResolver(() => CampaignStats)
  async stats(@Root() c: Campaign, @Ctx() ctx: Context): Promise<CampaignStats> {
    return statsOf(c, await ctx.loaders.ads.reach.load(c.id), new Date());
  }
}

@Resolver()
export class CampaignStatsResolver {
  constructor(readonly live: CampaignStatsLive) {}

  @Subscription(() => CampaignStats, {
    description:
      "The campaign's organisation members or a key with ADS_MANAGE; at most one update per second.",
    subscribe: subscribeThrough(CampaignStatsResolver, (r, args, ctx) =>
      r.live.campaignStats(signedIn(ctx), String(args.campaignId)),
    ),
  })
  campaignStats(
    @Root() s: CampaignStats,
    @Arg('campaignId', () => ID) _campaignId: string,
  ): CampaignStats {
    return s;
  }
}
