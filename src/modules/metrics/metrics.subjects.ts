import type { Context, SignedIn } from '../../context.js';
import type { Em } from '../../infra/db.js';
import { addRollups } from './metrics.sql.js';

/**
 * Series of things other than content (a campaign's impressions and clicks), kept in the
 * same per-minute rollups. A later feature provides the subject (who may read its series,
 * and which metrics it has) and adds its counts through `add`; metrics never reads that
 * feature's tables.
 */
export interface SeriesSubject {
  /** The metric names the subject's series may ask for. */
  metrics: readonly string[];
  /** The rollup scope of `id` when the actor may read its series; else NOT_FOUND/FORBIDDEN. */
  authorize(actor: SignedIn<Context>, id: string): Promise<string>;
}

export class SeriesSubjects {
  private readonly subjects = new Map<string, SeriesSubject>();

  provide(kind: 'campaign', subject: SeriesSubject): void {
    if (this.subjects.has(kind)) throw new Error(`A ${kind} series subject is already provided`);
    this.subjects.set(kind, subject);
  }

  get(kind: 'campaign'): SeriesSubject | undefined {
    return this.subjects.get(kind);
  }

  /** Adds `value` to the subject's `metric` in the minute of `at` (epoch ms), in `em`'s transaction. */
  add(em: Em, scope: string, metric: string, at: number, value: number): Promise<void> {
    return addRollups(em, [{ scope, metric, minute: Math.floor(at / 60_000), value }]);
  }
}
