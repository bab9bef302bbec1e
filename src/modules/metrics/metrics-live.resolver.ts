import { Arg, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { ContentMetrics, MetricWindow, PlatformMetrics, TrendingItem } from './metrics.types.js';

/** Metric subscriptions: one value at once on subscribe, then at most one per second, on change. */
@Resolver()
export class MetricsLiveResolver {
  @Subscription(() => ContentMetrics, {
    description:
      "The content's author, moderators and admins; at most one update per second per content, and one at once on subscribe.",
    subscribe: ({ args, context }) =>
      (context as Context).services.metricsLive.contentMetrics(
        context as Context,
        String(args.contentId),
      ),
  })
  contentMetrics(
    @Root() m: ContentMetrics,
    @Arg('contentId', () => ID) _contentId: string,
  ): ContentMetrics {
    return m;
  }

  @Subscription(() => PlatformMetrics, {
    description: 'Admins only; one update per second.',
    subscribe: ({ context }) =>
      (context as Context).services.metricsLive.platformMetrics(context as Context),
  })
  platformMetrics(@Root() m: PlatformMetrics): PlatformMetrics {
    return m;
  }

  @Subscription(() => [TrendingItem], {
    description: 'The top list, re-sent whenever it changes, at most once per second.',
    subscribe: ({ args, context }) =>
      (context as Context).services.metricsLive.trendingChanged(
        context as Context,
        (args.window as MetricWindow | null) ?? MetricWindow.LAST_HOUR,
        (args.first as number | null) ?? 10,
      ),
  })
  trendingChanged(
    @Root() items: TrendingItem[],
    @Arg('window', () => MetricWindow, { nullable: true, defaultValue: MetricWindow.LAST_HOUR })
    _window: MetricWindow | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) _first: number | null,
  ): TrendingItem[] {
    return items;
  }
}
