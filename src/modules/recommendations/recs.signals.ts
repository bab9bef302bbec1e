import type { Activity, ActivitySink } from '../../infra/activity.js';
import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { ContentCatalog } from '../content/index.js';
import { KIND_BITS, stored, weightOf } from './recs.weights.js';

/**
 * Writes engagement as it happens, inside the request that caused it: the viewer's next
 * `recommendedContents` already reflects it (their history is read per request). Tells
 * `recorded` how many events it wrote (the model store's early rebuild counts them).
 */
export class EngagementWriter implements ActivitySink {
  constructor(
    private readonly catalog: ContentCatalog,
    private readonly logger: Logger,
    private readonly recorded: (events: number) => void = () => undefined,
  ) {}

  async record(em: Em, activities: readonly Activity[]): Promise<void> {
    const relevant = activities.filter((a) => a.contentId);
    if (!relevant.length) return;
    try {
      const durations = await this.durations(em, relevant);
      const rows = new Map<
        string,
        { viewerKey: string; contentId: string; score: number; kinds: number; lastAt: number }
      >();
      let events = 0;
      for (const a of relevant) {
        const w = weightOf(a, durations.get(a.contentId!) ?? null);
        if (!w) continue;
        events++;
        const key = `${a.actor}|${a.contentId}`;
        const row = rows.get(key) ?? {
          viewerKey: a.actor,
          contentId: a.contentId!,
          score: 0,
          kinds: 0,
          lastAt: 0,
        };
        row.score += stored(w.weight, a.at.getTime());
        if (w.weight > 0) row.kinds |= KIND_BITS[w.kind];
        row.lastAt = Math.max(row.lastAt, a.at.getTime());
        rows.set(key, row);
      }
      if (!rows.size) return;
      const sorted = [...rows.values()].sort(
        (a, b) => a.viewerKey.localeCompare(b.viewerKey) || a.contentId.localeCompare(b.contentId),
      );
      await em.getConnection().execute(
        `insert into rec_engagements (viewer_key, content_id, score, kinds, last_at)
         values ${sorted.map(() => '(?, ?, ?, ?, ?)').join(', ')}
         on conflict (viewer_key, content_id) do update set
           score = rec_engagements.score + excluded.score,
           kinds = rec_engagements.kinds | excluded.kinds,
           last_at = case when excluded.last_at > rec_engagements.last_at then excluded.last_at else rec_engagements.last_at end`,
        sorted.flatMap((r) => [r.viewerKey, r.contentId, r.score, r.kinds, r.lastAt]),
      );
      this.recorded(events);
    } catch (err) {
      this.logger.error({ err }, 'recording engagement failed');
    }
  }

  private durations(em: Em, activities: readonly Activity[]): Promise<Map<string, number | null>> {
    const ids = [...new Set(activities.filter((a) => a.kind === 'watch').map((a) => a.contentId!))];
    return this.catalog.durations(em, ids);
  }
}
