import type { Interaction } from './model.types.js';

/**
 * Distinct users per item (a user counts once however many events they sent): the
 * popularity baseline and the cold-start order. O(n) in the interactions.
 */
export function popularity(nItems: number, interactions: Interaction[]): Float32Array {
  const seen = new Set<string>();
  const counts = new Float32Array(nItems);
  for (const { user, item } of interactions) {
    const key = `${user}:${item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[item]!++;
  }
  return counts;
}
