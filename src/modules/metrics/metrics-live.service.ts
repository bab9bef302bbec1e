import type { Context, SignedIn } from '../../context.js';
import type { Em } from '../../infra/db.js';
import { onStreamEnd } from '../../infra/streams.js';
import type { Logger } from '../../infra/logger.js';
import { live } from '../../live.js';
import {
  isAdminUser,
  mergeUserSnapshot,
  findRoles,
  type User,
  userSnapshot,
  type UserSnapshot,
} from '../accounts/index.js';

import {
  canWatchMetrics,
  contentFromSnapshot,
  contentSnapshot,
  type ContentSnapshot,
} from '../content/index.js';
import { checkTrendingSize, type MetricsReader } from './metrics.service.js';
import type { LiveStore } from './metrics.store.js';
import { Ticker } from './metrics.ticker.js';
import type {
  ContentMetrics,
  MetricWindow,
  PlatformMetrics,
  TrendingItem,
} from './metrics.types.js';

/** How often this process reports its graphql-ws connections to the others. */
const HEARTBEAT_MS = 2_000;

interface SharedItem {
  content: ContentSnapshot;
  author: UserSnapshot;
  score: number;
  views: number;
}

const withoutTime = <T extends { at: Date }>(v: T) => JSON.stringify({ ...v, at: undefined });

/**
 * The metric subscriptions. Authorised at subscribe time and again every `recheckMs`
 * (a revoked subscriber's stream ends). Values come from the shared Ticker:
 * one computation per key per tick on this process, whatever the number of subscribers.
 */
export class MetricsLive {
  private readonly ticker: Ticker;
  private heartbeat?: NodeJS.Timeout;
  private rechecking?: NodeJS.Timeout;
  private readonly guarded = new Set<{
    userId: string;
    allowed: (user: Pick<User, 'id' | 'role'>) => boolean;
    end: () => void;
  }>();

  constructor(
    private readonly reader: MetricsReader,
    private readonly live: LiveStore,
    private readonly processId: string,
    private readonly localConnections: () => number,
    private readonly options: {
      /** How often values are recomputed (and so at most sent). */
      tickMs: number;
      /** How often a subscriber's right to keep receiving is checked again. */
      recheckMs: number;
    },
    logger: Logger,
  ) {
    this.ticker = new Ticker(options.tickMs, logger);
  }

  start(fork: () => Em): void {
    this.fork = fork;
    this.ticker.start();
    const report = () =>
      this.live
        .reportConnections(this.processId, this.localConnections(), Date.now())
        .catch(() => undefined); // Redis down: the others forget this process after a while
    void report();
    this.heartbeat = setInterval(report, HEARTBEAT_MS);
    this.heartbeat.unref();
    this.rechecking = setInterval(
      () => void this.recheck().catch(() => undefined), // database down: check again later
      this.options.recheckMs,
    );
    this.rechecking.unref();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.rechecking);
    this.ticker.stop();
  }

  async contentMetrics(
    actor: SignedIn<Context>,
    contentId: string,
  ): Promise<AsyncIterableIterator<ContentMetrics>> {
    const content = await this.reader.authorizeContent(actor, contentId);
    const { id } = content;
    const authorId = content.author.id;
    const stream = this.ticker.watch(
      `content:${id}`,
      () => this.reader.contentMetrics(this.fork(), id),
      withoutTime,
    );
    return this.guard(stream, actor.viewer.id, (u) => canWatchMetrics(u, { authorId }));
  }

  async platformMetrics(actor: SignedIn<Context>): Promise<AsyncIterableIterator<PlatformMetrics>> {
    this.reader.authorizePlatform(actor);
    const stream = this.ticker.watch(
      'platform',
      async () => {
        await this.live
          .reportConnections(this.processId, this.localConnections(), Date.now())
          .catch(() => undefined);
        return this.reader.platformMetrics();
      },
      withoutTime,
    );
    return this.guard(stream, actor.viewer.id, isAdminUser);
  }

  async trendingChanged(
    actor: Context,
    window: MetricWindow,
    first: number,
  ): Promise<AsyncIterableIterator<TrendingItem[]>> {
    checkTrendingSize(first);
    const stream = this.ticker.watch(
      `trending:${window}:${first}`,
      async (): Promise<SharedItem[]> =>
        (await this.reader.trending(this.fork(), window, first)).map((r) => ({
          content: contentSnapshot(r.content),
          author: userSnapshot(r.content.author.getEntity()),
          score: r.score,
          views: r.views,
        })),
      (items) =>
        JSON.stringify(items.map((i) => [i.content.id, i.score, i.views, i.content.title])),
    );
    return live(actor, stream, (items) =>
      items.map((i) => {
        mergeUserSnapshot(actor.em, i.author, actor.viewer);
        return {
          content: contentFromSnapshot(actor.em, i.content),
          score: i.score,
          views: i.views,
        };
      }),
    );
  }

  private fork: () => Em = () => {
    throw new Error('MetricsLive.start() was not called');
  };

  /**
   * Keeps the stream while `allowed` holds for the viewer as stored now: every
   * `recheckMs`, one query reads the roles of all guarded subscribers on this process, and
   * the streams of those who lost the right (role changed, account gone) end.
   */
  private guard<T>(
    stream: AsyncIterableIterator<T>,
    userId: string,
    allowed: (user: Pick<User, 'id' | 'role'>) => boolean,
  ): AsyncIterableIterator<T> {
    const entry = { userId, allowed, end: () => void stream.return?.() };
    this.guarded.add(entry);
    return onStreamEnd(stream, () => this.guarded.delete(entry));
  }

  private async recheck(): Promise<void> {
    if (!this.guarded.size) return;
    const ids = [...new Set([...this.guarded].map((g) => g.userId))];
    const users = new Map((await findRoles(this.fork(), ids)).map((u) => [u.id, u]));
    for (const g of this.guarded) {
      const user = users.get(g.userId);
      if (!user || !g.allowed(user)) {
        this.guarded.delete(g);
        g.end();
      }
    }
  }
}
