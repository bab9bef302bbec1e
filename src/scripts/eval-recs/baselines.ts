import { popularity, type Interaction } from '../../modules/recommendations/model/index.js';
import { itemsByUser, type Recommender } from './metrics.js';

/** The most popular items the user has not seen. */
export function popularityRecommender(nItems: number, train: Interaction[]): Recommender {
  const counts = popularity(nItems, train);
  const order = Array.from({ length: nItems }, (_, i) => i).sort(
    (a, b) => counts[b]! - counts[a]! || a - b,
  );
  return (_user, seen, limit) => {
    const list: number[] = [];
    for (const item of order) {
      if (list.length >= limit) break;
      if (!seen.has(item)) list.push(item);
    }
    return list;
  };
}

/**
 * Plain user-based k-NN on binary feedback: cosine similarity between users' item sets,
 * the `k` most similar users (computed on demand, per user), an item's score is the sum of
 * the similarities of the neighbours who have it. Falls back to popularity to fill a list.
 */
export function userKnnRecommender(nItems: number, train: Interaction[], k = 50): Recommender {
  const byUser = itemsByUser(train);
  const byItem = new Map<number, number[]>();
  for (const [user, items] of byUser) {
    for (const item of items) {
      let users = byItem.get(item);
      if (!users) byItem.set(item, (users = []));
      users.push(user);
    }
  }
  const fill = popularityRecommender(nItems, train);
  return (user, seen, limit) => {
    const mine = byUser.get(user) ?? new Set<number>();
    const shared = new Map<number, number>();
    for (const item of mine) {
      for (const other of byItem.get(item) ?? []) {
        if (other !== user) shared.set(other, (shared.get(other) ?? 0) + 1);
      }
    }
    const neighbours = [...shared]
      .map(([other, n]) => [other, n / Math.sqrt(mine.size * byUser.get(other)!.size)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k);
    const scores = new Map<number, number>();
    for (const [other, similarity] of neighbours) {
      for (const item of byUser.get(other)!) {
        if (!seen.has(item)) scores.set(item, (scores.get(item) ?? 0) + similarity);
      }
    }
    const list = [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([item]) => item);
    if (list.length < limit) {
      const taken = new Set([...seen, ...list]);
      list.push(...fill(user, taken, limit - list.length));
    }
    return list;
  };
}
