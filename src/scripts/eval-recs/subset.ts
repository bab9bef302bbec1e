import type { Interaction } from '../../modules/recommendations/model/index.js';
import type { Ratings } from './movielens.js';

/**
 * The first `users` MovieLens users (by id; all of them when absent) with every rating,
 * items renumbered densely over what they rated, so a subset loads only its own items.
 */
export function userSubset(
  ratings: Ratings,
  users?: number,
): { interactions: Interaction[]; nItems: number; users: number[]; movieOf: number[] } {
  const all = [...new Set(ratings.interactions.map((x) => x.user))].sort((a, b) => a - b);
  const kept = new Set(users ? all.slice(0, users) : all);
  const index = new Map<number, number>();
  const interactions = ratings.interactions
    .filter((x) => kept.has(x.user))
    .map((x) => {
      let item = index.get(x.item);
      if (item === undefined) index.set(x.item, (item = index.size));
      return { ...x, item };
    });
  const movieOf: number[] = [];
  for (const [original, item] of index) movieOf[item] = ratings.movieIds[original]!;
  return { interactions, nItems: index.size, users: [...kept], movieOf };
}
