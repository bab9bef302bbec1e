import { ignoreActivity, type Activity, type ActivitySink } from '../../infra/activity.js';
import { MetricsReason } from './metrics.errors.js';
import { commit, isPostgres, type Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { badInput, unauthenticated, type AppError } from '../../errors.js';
import type { Actor } from '../accounts/index.js';
import type { ContentCatalog } from '../content/index.js';
import type { TrackEventInput } from './metrics.inputs.js';
import { addRollups } from './metrics.sql.js';
import { emptyRecord, type LiveStore } from './metrics.store.js';
import { checkEvent, MAX_EVENTS_PER_CALL, viewerKey } from './metrics.validation.js';
import { Rollups } from './metrics.rollups.js';
import type { TrackLimits } from './metrics.limits.js';
import { WEIGHTS } from './metrics.windows.js';
import { Batcher } from './metrics.batcher.js';
import { TrackWriter, type CallOutcome, type TrackCall } from './metrics.ingest-write.js';

export { VIEW_GAP_MS } from './metrics.ingest-write.js';

const COUNTED = new Set<Activity['kind']>(['like', 'unlike', 'comment', 'uncomment', 'message']);

/** Events one write takes at most (a single call of up to 500 may go alone). */
const BATCH_MAX_EVENTS = 2000;
const WRITES_IN_FLIGHT_PG = 3;

export interface TrackActor extends Actor {
  anonymousId: string | null;
  invalidate?(): void;
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
 *
 * Concurrent trackEvents calls are written together (`Batcher`, `TrackWriter`): a call
 * joins the next write, which starts as soon as the previous one has settled, and returns
 * its own outcome once that write has committed.
 */
export class MetricsIngest implements ActivitySink {
  private readonly batcher: Batcher<TrackCall, CallOutcome>;

  constructor(
    catalog: ContentCatalog,
    private readonly live: LiveStore,
    private readonly logger: Logger,
    private readonly limits: TrackLimits,
    fork: () => Em,
    /** Told of every tracked event that was new (recommendations learn from them). */
    next: ActivitySink = ignoreActivity,
  ) {
    const writer = new TrackWriter(fork, catalog, live, logger, limits, next);
    this.batcher = new Batcher((calls) => writer.write(calls), {
      maxSize: BATCH_MAX_EVENTS,
      // SQLite has one writer: a second write would only wait for it. PostgreSQL overlaps
      // a write's round trips with the next one's.
      concurrency: isPostgres(fork()) ? WRITES_IN_FLIGHT_PG : 1,
    });
  }

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
    const valid: TrackCall['events'] = [];
    for (const [index, e] of events.entries()) {
      const at = checkEvent(e, index, now);
      if (typeof at === 'number') valid.push({ index, e, at });
      else rejected.push({ index, error: at });
    }
    if (!valid.length) return { accepted: 0, duplicates: 0, rejected };
    const written = await this.batcher.submit(
      {
        viewerKey: key,
        clientAddress: actor.clientAddress,
        now,
        events: valid,
        invalidate: actor.invalidate?.bind(actor),
      },
      valid.length,
    );
    rejected.push(...written.rejected);
    rejected.sort((a, b) => a.index - b.index);
    return { accepted: written.accepted, duplicates: written.duplicates, rejected };
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
}
