import { Arg, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import { signedIn } from '../../context.js';
import { subscribeThrough } from '../../live.js';
import type { MetricsLive } from './metrics-live.service.js';
import { ContentMetrics, MetricWindow, PlatformMetrics, TrendingItem } from './metrics.types.js';

/** Metric subscriptions: one value at once on subscribe, then at most one per second, on change. */
@Resolver()
export class MetricsLiveResolver {
  constructor(readonly live: MetricsLive) {}

  @Subscription(() => ContentMetrics, {
    description:
      "The content's author, moderators and admins; at most one update per second per content, and one at once on subscribe.",
    subscribe: subscribeThrough(MetricsLiveResolver, (r, args, ctx) =>
      r.live.contentMetrics(signedIn(ctx), String(args.contentId)),
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
    subscribe: subscribeThrough(MetricsLiveResolver, (r, _args, ctx) =>
      r.live.platformMetrics(signedIn(ctx)),
    ),
  })
  platformMetrics(@Root() m: PlatformMetrics): PlatformMetrics {
    return m;
  }

  @Subscription(() => [TrendingItem], {
    description: 'The top list, re-sent whenever it changes, at most once per second.',
    subscribe: subscribeThrough(MetricsLiveResolver, (r, args, ctx) =>
      r.live.trendingChanged(
        ctx,
        (args.window as MetricWindow | null) ?? MetricWindow.LAST_HOUR,
        (args.first as number | null) ?? 10,
      ),
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
