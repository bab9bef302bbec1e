import type { RecommendationReason } from './recs.types.js';

/** One source's opinion of a content: its score, and the history item behind it. */
export interface Vote {
  id: string;
  score: number;
  because: string | null;
}

export interface Candidate {
  id: string;
  score: number;
  reason: RecommendationReason;
  because: string | null;
}

/**
 * Merges the sources into one list: each source's scores are scaled to [0, 1] by its best
 * and weighted; a content's score is the sum over sources, its reason the source that gave
 * the most. So a content both collaborative and similar beats one that is only either.
 */
export class CandidatePool {
  private readonly byId = new Map<string, Candidate & { best: number }>();

  add(reason: RecommendationReason, weight: number, votes: Vote[]): void {
    const top = Math.max(...votes.map((v) => v.score), 0);
    if (top <= 0) return;
    for (const v of votes) {
      if (v.score <= 0) continue;
      const part = (weight * v.score) / top;
      const c = this.byId.get(v.id);
      if (!c) {
        this.byId.set(v.id, { id: v.id, score: part, reason, because: v.because, best: part });
      } else {
        c.score += part;
        if (part > c.best) Object.assign(c, { best: part, reason, because: v.because });
      }
    }
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** The best `limit` candidates among `allowed`, best first (ties by id, for stable pages). */
  best(limit: number, allowed: (id: string) => boolean): Candidate[] {
    return [...this.byId.values()]
      .filter((c) => allowed(c.id))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map(({ id, score, reason, because }) => ({ id, score, reason, because }));
  }
}
