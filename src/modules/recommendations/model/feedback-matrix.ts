import type { FeedbackMatrix, Interaction } from './model.types.js';

/**
 * Sums duplicate (user, item) pairs and indexes the result by user and by item. User ids are
 * renumbered densely in increasing order; a pair's time is the latest `at` of its rows (kept
 * only when some interaction has one). Cost O(n log n) in the interactions; throws on an item
 * outside `[0, nItems)`, a weight that is not a positive finite number or an `at` that is
 * not finite.
 */
export function toFeedbackMatrix(nItems: number, interactions: Interaction[]): FeedbackMatrix {
  // Users numbered in id order, so that every sum later runs in the same order whatever the
  // order of the input (floating-point addition is not associative).
  const ids = [...new Set(interactions.map((x) => x.user))].sort((a, b) => a - b);
  const userIndex = new Map(ids.map((id, u) => [id, u]));
  const perUser: Map<number, number>[] = ids.map(() => new Map());
  const timed = interactions.some((x) => x.at !== undefined);
  const timesPerUser: Map<number, number>[] = timed ? ids.map(() => new Map()) : [];
  for (const { user, item, weight, at } of interactions) {
    if (!Number.isInteger(item) || item < 0 || item >= nItems) {
      throw new RangeError(`item ${item} is outside [0, ${nItems})`);
    }
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new RangeError(`weight ${weight} of (${user}, ${item}) is not positive`);
    }
    const u = userIndex.get(user)!;
    const items = perUser[u]!;
    items.set(item, (items.get(item) ?? 0) + weight);
    if (at !== undefined) {
      if (!Number.isFinite(at))
        throw new RangeError(`time ${at} of (${user}, ${item}) is not finite`);
      const times = timesPerUser[u]!;
      times.set(item, Math.max(times.get(item) ?? -Infinity, at));
    }
  }

  const nUsers = perUser.length;
  const userOffsets = new Uint32Array(nUsers + 1);
  for (let u = 0; u < nUsers; u++) userOffsets[u + 1] = userOffsets[u]! + perUser[u]!.size;
  const nnz = userOffsets[nUsers]!;
  const userItems = new Uint32Array(nnz);
  const userWeights = new Float64Array(nnz);
  const userTimes = timed ? new Float64Array(nnz) : undefined;
  const itemCounts = new Uint32Array(nItems + 1);
  for (let u = 0; u < nUsers; u++) {
    // Sorted rows make every later pass (and so the whole model) independent of input order.
    const row = [...perUser[u]!.entries()].sort((a, b) => a[0] - b[0]);
    let p = userOffsets[u]!;
    for (const [item, weight] of row) {
      if (userTimes) userTimes[p] = timesPerUser[u]!.get(item) ?? NaN;
      userItems[p] = item;
      userWeights[p++] = weight;
      itemCounts[item + 1]!++;
    }
  }

  const itemOffsets = new Uint32Array(nItems + 1);
  for (let i = 0; i < nItems; i++) itemOffsets[i + 1] = itemOffsets[i]! + itemCounts[i + 1]!;
  const itemUsers = new Uint32Array(nnz);
  const itemWeights = new Float64Array(nnz);
  const cursor = itemOffsets.slice(0, nItems);
  for (let u = 0; u < nUsers; u++) {
    for (let p = userOffsets[u]!; p < userOffsets[u + 1]!; p++) {
      const at = cursor[userItems[p]!]!++;
      itemUsers[at] = u;
      itemWeights[at] = userWeights[p]!;
    }
  }
  return {
    nUsers,
    nItems,
    userOffsets,
    userItems,
    userWeights,
    ...(userTimes && { userTimes }),
    itemOffsets,
    itemUsers,
    itemWeights,
  };
}
