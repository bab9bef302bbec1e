import type { ContentTotals as Totals } from '../content/index.js';
import type { RollupRow } from './metrics.sql.js';

/** The platform-wide scope of rollups. */
export const PLATFORM = '*';

const TOTAL_OF: Record<string, keyof Totals> = {
  VIEWS: 'views',
  SHARES: 'shares',
  WATCH_SECONDS: 'watchSeconds',
};

/** Sums one batch's counts per content, metric and minute, and for the platform. */
export class Rollups {
  private readonly cells = new Map<string, RollupRow>();
  private readonly perContent = new Map<string, Totals>();

  add(contentId: string, metric: string, at: number, value: number): void {
    const minute = Math.floor(at / 60_000);
    for (const scope of [contentId, PLATFORM]) {
      const key = `${scope}|${metric}|${minute}`;
      const cell = this.cells.get(key) ?? { scope, metric, minute, value: 0 };
      cell.value += value;
      this.cells.set(key, cell);
    }
    const total = TOTAL_OF[metric];
    if (total) {
      const t = this.perContent.get(contentId) ?? { views: 0, shares: 0, watchSeconds: 0 };
      t[total] += value;
      this.perContent.set(contentId, t);
    }
  }

  rows(): RollupRow[] {
    return [...this.cells.values()];
  }

  /** All-time totals to add to contents (views, shares, watch time: likes and comments are counted where they are stored). */
  totals(): Map<string, Totals> {
    return this.perContent;
  }
}
