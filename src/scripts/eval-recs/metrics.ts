import type { Interaction } from '../../modules/recommendations/model/index.js';

/** Ranks `limit` items for a user, never returning one in `seen`. */
export type Recommender = (user: number, seen: ReadonlySet<number>, limit: number) => number[];

export interface Scores {
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
  coverage: number;
  users: number;
}

/** Groups interactions by user: user → items. */
export function itemsByUser(interactions: Interaction[]): Map<number, Set<number>> {
  const byUser = new Map<number, Set<number>>();
  for (const { user, item } of interactions) {
    let items = byUser.get(user);
    if (!items) byUser.set(user, (items = new Set()));
    items.add(item);
  }
  return byUser;
}

/**
 * Top-`k` metrics averaged over users with at least one test item, binary relevance.
 * precision = hits / k; recall = hits / |test| (the usual definition, so figures compare
 * with the literature); NDCG with the ideal DCG over min(k, |test|) items; hit rate = share
 * of users with a hit; coverage = distinct items in any top-k / all items.
 */
export function evaluate(
  recommend: Recommender,
  train: Interaction[],
  test: Interaction[],
  nItems: number,
  k = 10,
): Scores {
  const seen = itemsByUser(train);
  const relevant = itemsByUser(test);
  const recommended = new Set<number>();
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let hits = 0;
  for (const [user, wanted] of relevant) {
    const list = recommend(user, seen.get(user) ?? new Set(), k);
    let found = 0;
    let dcg = 0;
    list.forEach((item, rank) => {
      recommended.add(item);
      if (!wanted.has(item)) return;
      found++;
      dcg += 1 / Math.log2(rank + 2);
    });
    let ideal = 0;
    for (let rank = 0; rank < Math.min(k, wanted.size); rank++) ideal += 1 / Math.log2(rank + 2);
    precision += found / k;
    recall += found / wanted.size;
    ndcg += dcg / ideal;
    if (found > 0) hits++;
  }
  const users = relevant.size;
  return {
    precision: precision / users,
    recall: recall / users,
    ndcg: ndcg / users,
    hitRate: hits / users,
    coverage: recommended.size / nItems,
    users,
  };
}
