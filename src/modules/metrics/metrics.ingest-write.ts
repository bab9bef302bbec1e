import type { Activity, ActivitySink } from '../../infra/activity.js';
import { commit, type Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { badInput, type AppError } from '../../errors.js';
import type { ContentCatalog } from '../content/index.js';
import type { TrackEventInput } from './metrics.inputs.js';
import type { TrackLimits } from './metrics.limits.js';
import { Rollups } from './metrics.rollups.js';
import { addRollups, countViews, eventKey, insertEvents, type EventRow } from './metrics.sql.js';
import { emptyRecord, type LiveRecord, type LiveStore } from './metrics.store.js';
import { EventType } from './metrics.types.js';
import { WEIGHTS } from './metrics.windows.js';

/** A VIEW counts once per viewer per content per this long. */
export const VIEW_GAP_MS = 30 * 60_000;

const KIND_OF: Record<EventType, Activity['kind']> = {
  [EventType.VIEW]: 'view',
  [EventType.WATCH]: 'watch',
  [EventType.SHARE]: 'share',
};

/** One trackEvents call, checked for what needs no database, waiting for its write. */
export interface TrackCall {
  viewerKey: string;
  clientAddress: string;
  /** Arrival time. */
  now: number;
  events: { index: number; e: TrackEventInput; at: number }[];
  /** Drops the caller's cached reads once the write has committed. */
  invalidate?: () => void;
}

export interface CallOutcome {
  accepted: number;
  duplicates: number;
  rejected: { index: number; error: AppError }[];
}

/**
 * The write of a batch of trackEvents calls: one read of the contents, one round trip for
 * the per-content limits, one transaction (events, view marks, rollups, totals), then one
 * update of the live figures and one report to the activity sink. Each call's outcome is
 * its own: of events two calls of one viewer both send, the first call's counts.
 */
export class TrackWriter {
  constructor(
    private readonly fork: () => Em,
    private readonly catalog: ContentCatalog,
    private readonly live: LiveStore,
    private readonly logger: Logger,
    private readonly limits: TrackLimits,
    private readonly next: ActivitySink,
  ) {}

  async write(calls: TrackCall[]): Promise<CallOutcome[]> {
    const em = this.fork();
    const outcomes: CallOutcome[] = calls.map(() => ({ accepted: 0, duplicates: 0, rejected: [] }));
    const published = await this.catalog.publishedIds(
      em,
      calls.flatMap((c) => c.events.map((v) => v.e.contentId)),
    );
    const candidates: { call: number; index: number; row: EventRow; address: string }[] = [];
    for (const [n, c] of calls.entries()) {
      const seen = new Set<string>();
      for (const { index, e, at } of c.events) {
        const contentId = e.contentId.toLowerCase();
        if (!published.has(contentId)) {
          outcomes[n]!.rejected.push({
            index,
            error: badInput(`events[${index}].contentId`, 'no published content with this id'),
          });
        } else if (seen.has(e.id)) {
          outcomes[n]!.duplicates++;
        } else {
          seen.add(e.id);
          const row: EventRow = {
            viewerKey: c.viewerKey,
            eventId: e.id,
            type: e.type,
            contentId,
            value: e.watchSeconds ?? 0,
            occurredAt: at,
            receivedAt: c.now,
          };
          candidates.push({ call: n, index, row, address: c.clientAddress });
        }
      }
    }
    const limited = await this.limits.perContent(
      candidates.map((c) => ({
        clientAddress: c.address,
        type: c.row.type as EventType,
        contentId: c.row.contentId,
      })),
    );
    const owner = new Map<string, number>(); // event key -> its call
    const rows: EventRow[] = [];
    for (const [i, c] of candidates.entries()) {
      const error = limited[i];
      const key = eventKey(c.row);
      if (error) outcomes[c.call]!.rejected.push({ index: c.index, error });
      else if (owner.has(key)) outcomes[c.call]!.duplicates++;
      else {
        owner.set(key, c.call);
        rows.push(c.row);
      }
    }
    const fresh = await commit({ em }, async (tx) => {
      const stored = await insertEvents(tx, rows);
      const kept = rows.filter((r) => stored.has(eventKey(r)));
      const views = await this.countViews(tx, kept);
      const rollups = new Rollups();
      for (const r of kept) {
        rollups.add(r.contentId, 'EVENTS', r.occurredAt, 1);
        if (r.type === EventType.VIEW && views.has(r))
          rollups.add(r.contentId, 'VIEWS', r.occurredAt, 1);
        if (r.type === EventType.SHARE) rollups.add(r.contentId, 'SHARES', r.occurredAt, 1);
        if (r.type === EventType.WATCH)
          rollups.add(r.contentId, 'WATCH_SECONDS', r.occurredAt, r.value);
      }
      await addRollups(tx, rollups.rows());
      await this.catalog.addTotals(tx, rollups.totals());
      return { kept, views, stored };
    });
    for (const r of rows) {
      const o = outcomes[owner.get(eventKey(r))!]!;
      if (fresh.stored.has(eventKey(r))) o.accepted++;
      else o.duplicates++;
    }
    for (const c of calls) c.invalidate?.();
    await this.feedLive(liveRecord(Date.now(), fresh.kept, fresh.views));
    await this.next.record(
      em,
      fresh.kept.map((r) => ({
        kind: KIND_OF[r.type as EventType],
        actor: r.viewerKey,
        contentId: r.contentId,
        value: r.value,
        at: new Date(r.occurredAt),
      })),
    );
    for (const o of outcomes) o.rejected.sort((a, b) => a.index - b.index);
    return outcomes;
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
      const queue = byPair.get(pair);
      if (queue) queue.push(r);
      else byPair.set(pair, [r]);
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

  private async feedLive(r: LiveRecord): Promise<void> {
    try {
      await this.live.record(r);
    } catch (err) {
      // The events are stored and counted in the totals; only the live windows miss them.
      this.logger.warn({ err }, 'updating the live metrics failed');
    }
  }
}

/** What the stored events of a batch add to the live figures. */
function liveRecord(now: number, rows: EventRow[], views: Set<EventRow>): LiveRecord {
  const r = emptyRecord(now);
  r.events = rows.length;
  const latest = new Map<string, number>(); // viewer -> their latest event
  for (const x of rows) {
    latest.set(x.viewerKey, Math.max(latest.get(x.viewerKey) ?? 0, x.occurredAt));
    if (x.type !== EventType.SHARE)
      r.viewers.push({ contentId: x.contentId, key: x.viewerKey, at: x.occurredAt });
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
  for (const [key, at] of latest) r.actors.push({ key, at });
  return r;
}
