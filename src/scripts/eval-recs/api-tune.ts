import type { Blend } from '../../modules/recommendations/recs.blend.js';
import { DEFAULT_BLEND } from '../../modules/recommendations/recs.blend.js';
import type { Scores } from './metrics.js';

/** One blend's served lists, scored. */
export interface Scored {
  blend: Blend;
  scores: Scores;
  /** Share of the lists with fewer than 10 items. */
  shortShare: number;
  /** Items served that the user had already engaged with (in training). */
  seenServed: number;
  msPerRequest: number;
}

/** The values tried on each axis, the current defaults among them. */
const AXES: { [K in keyof Blend]?: number[] } = {
  author: [0.45, 0.3, 0.2, 0.1, 0.05, 0],
  trending: [0.3, 0.2, 0.1, 0.05, 0],
  fresh: [0.2, 0.1, 0.05, 0],
  lambda: [0.75, 0.85, 0.9, 0.95, 1],
  maxPerAuthor: [3, 4, 5],
  similar: [0.7, 0.4, 0.2],
};

/** A blend is admissible only with full lists and nothing already seen. */
const value = (s: Scored) => (s.shortShare === 0 && s.seenServed === 0 ? s.scores.ndcg : -1);

/**
 * Coordinate search from the defaults: each axis in turn, the other axes at the best so
 * far; a value replaces the current one only when it gains more than `epsilon` (0.2% of
 * NDCG@10: closer than that is noise on one validation split, and the defaults stay).
 * Every blend tried is returned, the best last.
 */
export async function blendSearch(
  score: (blend: Blend) => Promise<Scored>,
  reference: number,
  epsilon = 0.002,
): Promise<Scored[]> {
  const tried: Scored[] = [];
  let best = await score({ ...DEFAULT_BLEND });
  tried.push(best);
  log(best, reference);
  for (const [axis, values] of Object.entries(AXES) as [keyof Blend, number[]][]) {
    for (const v of values) {
      if (v === best.blend[axis]) continue;
      const s = await score({ ...best.blend, [axis]: v });
      tried.push(s);
      log(s, reference);
      if (value(s) > value(best) * (1 + epsilon)) best = s;
    }
  }
  tried.push(best);
  return tried;
}

function log(s: Scored, reference: number): void {
  console.error(
    `  ${JSON.stringify(s.blend)}: NDCG@10 ${s.scores.ndcg.toFixed(4)} (${(s.scores.ndcg / reference).toFixed(3)}×), ` +
      `short ${(s.shortShare * 100).toFixed(1)}%, seen ${s.seenServed}`,
  );
}
