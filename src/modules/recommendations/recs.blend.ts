import type { DiversityOptions } from './recs.diversity.js';

/**
 * How the served list is put together for a viewer with a history: how strongly each
 * source counts when merged (each source's scores are first scaled to [0, 1] by its best),
 * then the re-ranking's MMR trade-off and author cap. A viewer without a history gets
 * trending and fresh content alone, whatever these weights.
 */
export interface Blend extends DiversityOptions {
  cf: number;
  similar: number;
  author: number;
  trending: number;
  fresh: number;
}

/** The served defaults (docs/recommendations.md, "Evaluation through the API"). */
export const DEFAULT_BLEND: Readonly<Blend> = Object.freeze({
  cf: 1,
  similar: 0.7,
  author: 0.45,
  trending: 0.3,
  fresh: 0.2,
  lambda: 0.75,
  maxPerAuthor: 3,
});
