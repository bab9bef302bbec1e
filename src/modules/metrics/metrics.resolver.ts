import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import type { MetricsIngest } from './metrics.ingest.js';
import type { MetricsReader } from './metrics.service.js';
import { TrackEventInput } from './metrics.inputs.js';
import {
  Interval,
  MetricName,
  MetricPoint,
  MetricWindow,
  TrackResult,
  TrendingItem,
} from './metrics.types.js';

@Resolver()
export class MetricsResolver {
  constructor(
    private readonly ingest: MetricsIngest,
    private readonly metrics: MetricsReader,
  ) {}

  @Mutation(() => TrackResult, {
    description:
      'Signed-in users, or anonymous clients that send an `x-anonymous-id` header. At most 500 events per call, and a number of events per window per client and per client address (RATE_LIMITED past it); invalid events are rejected one by one (BAD_USER_INPUT naming the index), the valid ones still count.',
  })
  async trackEvents(
    @Arg('events', () => [TrackEventInput]) events: TrackEventInput[],
    @Ctx() ctx: Context,
  ): Promise<TrackResult> {
    const outcome = await this.ingest.track(ctx, events);
    return {
      accepted: outcome.accepted,
      duplicates: outcome.duplicates,
      rejected: outcome.rejected.map((r) => ({
        index: r.index,
        code: r.error.code,
        message: r.error.message,
        reason: r.error.reason ?? null,
        field: typeof r.error.extra.field === 'string' ? r.error.extra.field : null,
      })),
    };
  }

  @Query(() => [TrendingItem], {
    description:
      'Published content by time-decayed engagement in the window (formula in docs/metrics.md).',
  })
  trending(
    @Arg('window', () => MetricWindow, { nullable: true, defaultValue: MetricWindow.LAST_HOUR })
    window: MetricWindow | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<TrendingItem[]> {
    return this.metrics.trending(ctx.em, window ?? MetricWindow.LAST_HOUR, first ?? 10);
  }

  @Query(() => [MetricPoint], {
    description:
      "Without contentId: platform-wide (admins only); with it: the content's author, moderators and admins; with campaignId (AD_IMPRESSIONS, AD_CLICKS): the campaign's organisation members, or its key with ADS_MANAGE.",
  })
  metricSeries(
    @Arg('contentId', () => ID, { nullable: true }) contentId: string | null,
    @Arg('campaignId', () => ID, { nullable: true }) campaignId: string | null,
    @Arg('metric', () => MetricName) metric: MetricName,
    @Arg('interval', () => Interval, { nullable: true, defaultValue: Interval.MINUTE })
    interval: Interval | null,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: Context,
  ): Promise<MetricPoint[]> {
    return this.metrics.series(
      signedIn(ctx),
      { contentId: contentId ?? null, campaignId: campaignId ?? null },
      metric,
      interval ?? Interval.MINUTE,
      from,
      to,
    );
  }
}
