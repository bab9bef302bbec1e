import { badInput, forbidden, notFound } from '../../errors.js';
import { MetricsReason } from './metrics.errors.js';
import type { Em } from '../../infra/db.js';
import { isAdminUser, type SignedInActor } from '../accounts/index.js';
import {
  canWatchMetrics,
  type Content,
  type ContentCatalog,
  type ContentService,
} from '../content/index.js';
import { PLATFORM } from './metrics.rollups.js';
import { rollupSeries } from './metrics.sql.js';
import type { LiveStore } from './metrics.store.js';
import {
  Interval,
  MetricName,
  type ContentMetrics,
  type MetricPoint,
  type PlatformMetrics,
} from './metrics.types.js';
import { windowSpec } from './metrics.windows.js';
import type { SeriesSubjects } from './metrics.subjects.js';
import type { Context, SignedIn } from '../../context.js';
import type { MetricWindow } from './metrics.types.js';

export const MAX_SERIES_POINTS = 1000;
export const MAX_TRENDING = 100;
const MINUTES: Record<Interval, number> = {
  [Interval.MINUTE]: 1,
  [Interval.HOUR]: 60,
  [Interval.DAY]: 1440,
};

export interface Ranked<C> {
  content: C;
  score: number;
  views: number;
}

/** Reading the figures: series from the rollups, live figures from the store, trending. */
export class MetricsReader {
  constructor(
    private readonly live: LiveStore,
    private readonly content: ContentService,
    private readonly catalog: ContentCatalog,
    private readonly liveConnections: () => number,
    private readonly subjects: SeriesSubjects,
  ) {}

  /** The content's author, moderators and admins; NOT_FOUND for content the viewer cannot read. */
  async authorizeContent(actor: SignedInActor, contentId: string): Promise<Content> {
    const content = await this.content.find(actor, contentId);
    if (!content) throw notFound('Content');
    if (!canWatchMetrics(actor.viewer, { authorId: content.author.id })) {
      throw forbidden(
        "Only the content's author, moderators and admins see its metrics",
        MetricsReason.NOT_CONTENT_AUTHOR,
      );
    }
    return content;
  }

  authorizePlatform(actor: SignedInActor): void {
    if (!isAdminUser(actor.viewer))
      throw forbidden('Platform metrics are for admins', MetricsReason.ADMINS_ONLY);
  }

  async series(
    actor: SignedIn<Context>,
    subject: { contentId: string | null; campaignId: string | null },
    metric: MetricName,
    interval: Interval,
    from: Date,
    to: Date,
  ): Promise<MetricPoint[]> {
    const scope = await this.scopeOf(actor, subject, metric);
    if (from.getTime() >= to.getTime()) throw badInput('to', 'must be later than from');
    const m = MINUTES[interval];
    const first = Math.floor(Math.floor(from.getTime() / 60_000) / m) * m;
    const count = Math.ceil((to.getTime() - first * 60_000) / (m * 60_000));
    if (count > MAX_SERIES_POINTS) {
      throw badInput('to', `at most ${MAX_SERIES_POINTS} points per series (asked for ${count})`);
    }
    const sums = await rollupSeries(actor.em, scope, metric, m, first, first + count * m);
    return Array.from({ length: count }, (_, i) => {
      const start = first + i * m;
      return { at: new Date(start * 60_000), value: sums.get(start / m) ?? 0 };
    });
  }

  /** The rollup scope a series reads, once the actor may read it. */
  private async scopeOf(
    actor: SignedIn<Context>,
    { contentId, campaignId }: { contentId: string | null; campaignId: string | null },
    metric: MetricName,
  ): Promise<string> {
    if (contentId && campaignId)
      throw badInput('campaignId', 'give contentId or campaignId, not both');
    if (campaignId) {
      const subject = this.subjects.get('campaign');
      if (!subject) throw notFound('Campaign');
      if (!subject.metrics.includes(metric))
        throw badInput('metric', `a campaign's series are ${subject.metrics.join(' and ')}`);
      return subject.authorize(actor, campaignId);
    }
    if (contentId) return (await this.authorizeContent(actor, contentId)).id;
    this.authorizePlatform(actor);
    return PLATFORM;
  }

  /** All-time totals and live viewers; null once the content is gone. */
  async contentMetrics(em: Em, contentId: string): Promise<ContentMetrics | null> {
    const c = await this.catalog.current(em, contentId);
    if (!c) return null;
    const live = await this.live.liveViewers([c.id], Date.now());
    return {
      contentId: c.id,
      views: c.viewCount,
      likes: c.likeCount,
      comments: c.commentCount,
      shares: c.shareCount,
      watchSeconds: c.watchSeconds,
      liveViewers: live.get(c.id) ?? 0,
      at: new Date(),
    };
  }

  async platformMetrics(): Promise<PlatformMetrics> {
    const now = Date.now();
    const [figures, liveConnections] = await Promise.all([
      this.live.platform(now),
      this.live.connections(now),
    ]);
    return {
      ...figures,
      liveConnections: Math.max(liveConnections, this.liveConnections()),
      at: new Date(now),
    };
  }

  /**
   * The top `first` published contents of the window, by score (ties: more views, then id).
   * Asks the store for more than `first`, since some ranked content may since have been
   * archived or deleted.
   */
  async trending(em: Em, window: MetricWindow, first: number): Promise<Ranked<Content>[]> {
    checkTrendingSize(first);
    const ranked = (await this.live.top(windowSpec(window), first * 2 + 20, Date.now())).filter(
      (r) => r.score > 1e-9,
    );
    if (!ranked.length) return [];
    const byId = await this.catalog.published(
      em,
      ranked.map((r) => r.contentId),
    );
    return ranked
      .flatMap((r) => {
        const content = byId.get(r.contentId);
        return content
          ? [{ content, score: Math.round(r.score * 1e4) / 1e4, views: Math.round(r.views) }]
          : [];
      })
      .sort(
        (a, b) =>
          b.score - a.score || b.views - a.views || a.content.id.localeCompare(b.content.id),
      )
      .slice(0, first);
  }
}

/** BAD_USER_INPUT unless `first` is a trending size (1 to MAX_TRENDING). */
export function checkTrendingSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_TRENDING) {
    throw badInput('first', `must be between 1 and ${MAX_TRENDING}`);
  }
}
