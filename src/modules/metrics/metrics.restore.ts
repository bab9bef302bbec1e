import type { Em } from '../../infra/db.js';
import { contentRollupsSince } from './metrics.sql.js';
import { emptyRecord, type Engagement, type LiveStore } from './metrics.store.js';
import { WEIGHTS, WINDOWS } from './metrics.windows.js';

const WEIGHT_OF: Record<string, number> = {
  VIEWS: WEIGHTS.view,
  LIKES: WEIGHTS.like,
  COMMENTS: WEIGHTS.comment,
  SHARES: WEIGHTS.share,
  WATCH_SECONDS: WEIGHTS.watchSecond,
};

/**
 * Refills an empty in-process store's trending windows from the persisted per-minute
 * rollups, so that a restart (or a seed run in another process before it) shows the
 * trending the database holds. Each minute's engagement is placed at the middle of its
 * minute: to a minute's precision, as rollups keep it. Returns the contents restored.
 * Only for the in-process store: Redis keeps its windows across server restarts.
 */
export async function restoreWindows(em: Em, store: LiveStore, now: number): Promise<number> {
  const longest = Math.max(...WINDOWS.map((w) => w.ms));
  const from = Math.floor((now - longest) / 60_000);
  const rows = await contentRollupsSince(em, from, Object.keys(WEIGHT_OF));
  const engagement: Engagement[] = [];
  for (const r of rows) {
    engagement.push({
      contentId: r.scope,
      at: Math.min(now, r.minute * 60_000 + 30_000),
      score: r.value * WEIGHT_OF[r.metric]!,
      views: r.metric === 'VIEWS' ? r.value : 0,
    });
  }
  if (engagement.length) await store.record({ ...emptyRecord(now), engagement });
  return new Set(engagement.map((e) => e.contentId)).size;
}
