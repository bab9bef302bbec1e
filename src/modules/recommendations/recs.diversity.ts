export const WINDOW = 10;

export interface DiversityOptions {
  /** MMR trade-off: 1 = relevance only, 0 = novelty only. */
  lambda: number;
  /** At most this many items of one author in any run of WINDOW consecutive results. */
  maxPerAuthor: number;
}

export interface Ranked {
  id: string;
  authorId: string;
  score: number;
}

/**
 * Greedy re-ranking (maximal marginal relevance): each next item maximises
 * λ·relevance − (1 − λ)·(its highest similarity to an item already chosen), so
 * near-duplicates spread out; and an item is skipped while its author already has
 * `maxPerAuthor` items among the last WINDOW − 1 chosen. Relevance is normalised to
 * [0, 1]. The cap relaxes rather than shortens the list: once only over-represented authors
 * are left, the rest is filled with the best remaining by score, so `limit` candidates give
 * `limit` results (a platform with few authors still gets full pages). O(limit ×
 * candidates) similarity calls: callers pass a bounded pool.
 */
export function diversify<T extends Ranked>(
  candidates: T[],
  limit: number,
  similarity: (a: string, b: string) => number,
  { lambda, maxPerAuthor }: DiversityOptions,
): T[] {
  const top = Math.max(...candidates.map((c) => c.score), 1e-9);
  const pool = [...candidates];
  const chosen: T[] = [];
  const closest = new Map<string, number>(pool.map((c) => [c.id, 0]));
  while (chosen.length < limit && pool.length) {
    const recent = chosen.slice(-(WINDOW - 1));
    let best = -1;
    let bestValue = -Infinity;
    for (const [i, c] of pool.entries()) {
      if (recent.filter((r) => r.authorId === c.authorId).length >= maxPerAuthor) continue;
      const value = lambda * (c.score / top) - (1 - lambda) * closest.get(c.id)!;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    if (best < 0) {
      // Only over-represented authors are left: the diverse picks stay first, the best of
      // the rest follow (ties by id, as the pool ranks them).
      const rest = pool.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      chosen.push(...rest.slice(0, limit - chosen.length));
      break;
    }
    const [pick] = pool.splice(best, 1);
    chosen.push(pick!);
    for (const c of pool)
      closest.set(c.id, Math.max(closest.get(c.id)!, similarity(pick!.id, c.id)));
  }
  return chosen;
}
