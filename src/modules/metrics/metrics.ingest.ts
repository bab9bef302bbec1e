import { ignoreActivity, type Activity, type ActivitySink } from '../../infra/activity.js';
import { MetricsReason } from './metrics.errors.js';
import { commit, type Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { badInput, unauthenticated, type AppError } from '../../errors.js';
import type { Actor } from '../accounts/index.js';
import type { ContentCatalog } from '../content/index.js';
import type { TrackEventInput } from './metrics.inputs.js';
import { addRollups, countViews, insertEvents, type EventRow } from './metrics.sql.js';
import { emptyRecord, type LiveRecord, type LiveStore } from './metrics.store.js';
import { EventType } from './metrics.types.js';
import { checkEvent, MAX_EVENTS_PER_CALL, viewerKey } from './metrics.validation.js';
import { Rollups } from './metrics.rollups.js';
import type { TrackLimits } from './metrics.limits.js';
import { WEIGHTS } from './metrics.windows.js';

const COUNTED = new Set<Activity['kind']>(['like', 'unlike', 'comment', 'uncomment', 'message']);
const KIND_OF: Record<EventType, Activity['kind']> = {
  [EventType.VIEW]: 'view',
  [EventType.WATCH]: 'watch',
  [EventType.SHARE]: 'share',
};

/** A VIEW counts once per viewer per content per this long. */
export const VIEW_GAP_MS = 30 * 60_000;

export interface TrackActor extends Actor {
  anonymousId: string | null;
}

export interface TrackOutcome {
  accepted: number;
  duplicates: number;
  rejected: { index: number; error: AppError }[];
}

/**
 * Ingestion: tracked events (views, watch time, shares) and the activity other features
 * report (likes, comments, messages). What it counts is durable in the database when it
 * returns; the live aggregates follow, and an outage of those is logged, never fatal.
 */
export class MetricsIngest implements ActivitySink {
  constructor(
    private readonly catalog: ContentCatalog,
    private readonly live: LiveStore,
    private readonly logger: Logger,
    private readonly limits: TrackLimits,
    /** Told of every tracked event that was new (recommendations learn from them). */
    private readonly next: ActivitySink = ignoreActivity,
  ) {}

  async track(actor: TrackActor, events: TrackEventInput[]): Promise<TrackOutcome> {
    const key = viewerKey(actor.viewer?.id, actor.anonymousId);
    if (!key)
      throw unauthenticated(
        'Sign in, or identify the client with an x-anonymous-id header',
        MetricsReason.CLIENT_ID_REQUIRED,
      );
    if (events.length > MAX_EVENTS_PER_CALL) {
      throw badInput('events', `at most ${MAX_EVENTS_PER_CALL} events per call`);
    }
    await this.limits.admit(actor.clientAddress, key, events.length);
    const now = Date.now();
    const rejected: TrackOutcome['rejected'] = [];
    const valid: { index: number; e: TrackEventInput; at: number }[] = [];
    for (const [index, e] of events.entries()) {
      const at = checkEvent(e, index, now);
      if (typeof at === 'number') valid.push({ index, e, at });
      else rejected.push({ index, error: at });
    }
    const published = await this.catalog.publishedIds(
      actor.em,
      valid.map((v) => v.e.contentId),
    );
    const seen = new Set<string>();
    const candidates: { index: number; row: EventRow }[] = [];
    let duplicates = 0;
    for (const { index, e, at } of valid) {
      const contentId = e.contentId.toLowerCase();
      if (!published.has(contentId)) {
        rejected.push({
          index,
          error: badInput(`events[${index}].contentId`, 'no published content with this id'),
        });
      } else if (seen.has(e.id)) {
        duplicates++;
      } else {
        seen.add(e.id);
        candidates.push({
          index,
          row: {
            viewerKey: key,
            eventId: e.id,
            type: e.type,
            contentId,
            value: e.watchSeconds ?? 0,
            occurredAt: at,
            receivedAt: now,
          },
        });
      }
    }
    const limited = await Promise.all(
      candidates.map((c) =>
        this.limits.perContent(actor.clientAddress, c.row.type as EventType, c.row.contentId),
      ),
    );
    const rows: EventRow[] = [];
    for (const [i, { index, row }] of candidates.entries()) {
      const error = limited[i];
      if (error) rejected.push({ index, error });
      else rows.push(row);
    }
    const fresh = await commit(actor, async (em) => {
      const stored = await insertEvents(em, rows);
      const kept = rows.filter((r) => stored.has(r.eventId));
      const views = await this.countViews(em, kept);
      const rollups = new Rollups();
      for (const r of kept) {
        rollups.add(r.contentId, 'EVENTS', r.occurredAt, 1);
        if (r.type === EventType.VIEW && views.has(r))
          rollups.add(r.contentId, 'VIEWS', r.occurredAt, 1);
        if (r.type === EventType.SHARE) rollups.add(r.contentId, 'SHARES', r.occurredAt, 1);
        if (r.type === EventType.WATCH)
          rollups.add(r.contentId, 'WATCH_SECONDS', r.occurredAt, r.value);
      }
      await addRollups(em, rollups.rows());
      await this.catalog.addTotals(em, rollups.totals());
      return { kept, views };
    });
    rejected.sort((a, b) => a.index - b.index);
    await this.feedLive(this.liveRecord(key, now, fresh.kept, fresh.views));
    await this.next.record(
      actor.em,
      fresh.kept.map((r) => ({
        kind: KIND_OF[r.type as EventType],
        actor: key,
        contentId: r.contentId,
        value: r.value,
        at: new Date(r.occurredAt),
      })),
    );
    return {
      accepted: fresh.kept.length,
      duplicates: duplicates + rows.length - fresh.kept.length,
      rejected,
    };
  }

  /** Likes, comments and messages reported by other features (tracked events are counted by `track`). */
  async record(em: Em, activities: readonly Activity[]): Promise<void> {
    const counted = activities.filter((a) => COUNTED.has(a.kind));
    if (!counted.length) return;
    try {
      const r = emptyRecord(Date.now());
      const rollups = new Rollups();
      for (const a of counted) {
        const at = a.at.getTime();
        const sign = a.kind === 'unlike' || a.kind === 'uncomment' ? -1 : 1;
        r.actors.push({ key: a.actor, at });
        if (a.kind === 'message') r.messages++;
        if (!a.contentId) continue;
        const like = a.kind === 'like' || a.kind === 'unlike';
        rollups.add(a.contentId, like ? 'LIKES' : 'COMMENTS', at, sign);
        r.engagement.push({
          contentId: a.contentId,
          at,
          views: 0,
          score: sign * (like ? WEIGHTS.like : WEIGHTS.comment),
        });
      }
      if (rollups.rows().length) await commit({ em }, (tx) => addRollups(tx, rollups.rows()));
      await this.live.record(r);
    } catch (err) {
      this.logger.error({ err }, 'counting an activity failed');
    }
  }

  /**
   * The VIEW rows that count. A batch may hold several views of one content by one viewer:
   * they go in rounds (the k-th view of every pair in round k), in time order, so each
   * round's conditional upsert sees the marks the previous one left.
   */
  private async countViews(em: Em, rows: EventRow[]): Promise<Set<EventRow>> {
    const byPair = new Map<string, EventRow[]>();
    for (const r of rows) {
      if (r.type !== EventType.VIEW) continue;
      const pair = `${r.viewerKey}|${r.contentId}`;
      byPair.set(pair, [...(byPair.get(pair) ?? []), r]);
    }
    const counted = new Set<EventRow>();
    const queues = [...byPair.values()].map((q) => q.sort((a, b) => a.occurredAt - b.occurredAt));
    for (let round = 0; queues.some((q) => q.length > round); round++) {
      const batch = queues.filter((q) => q.length > round).map((q) => q[round]!);
      const pairs = await countViews(
        em,
        batch.map((r) => ({ viewerKey: r.viewerKey, contentId: r.contentId, at: r.occurredAt })),
        VIEW_GAP_MS,
      );
      for (const r of batch) if (pairs.has(`${r.viewerKey}|${r.contentId}`)) counted.add(r);
    }
    return counted;
  }

  private liveRecord(key: string, now: number, rows: EventRow[], views: Set<EventRow>): LiveRecord {
    const r = emptyRecord(now);
    r.events = rows.length;
    if (rows.length) r.actors.push({ key, at: Math.max(...rows.map((x) => x.occurredAt)) });
    for (const x of rows) {
      if (x.type !== EventType.SHARE)
        r.viewers.push({ contentId: x.contentId, key, at: x.occurredAt });
      const score =
        x.type === EventType.SHARE
          ? WEIGHTS.share
          : x.type === EventType.WATCH
            ? x.value * WEIGHTS.watchSecond
            : views.has(x)
              ? WEIGHTS.view
              : 0;
      if (score)
        r.engagement.push({
          contentId: x.contentId,
          at: x.occurredAt,
          score,
          views: views.has(x) ? 1 : 0,
        });
    }
    return r;
  }

  private async feedLive(r: LiveRecord): Promise<void> {
    try {
      await this.live.record(r);
    } catch (err) {
      // The events are stored and counted in the totals; only the live windows miss them.
      this.logger.warn({ err }, 'updating the live metrics failed');
    }
  }
}
