import { topK } from './top-k.js';
import type { ItemModel } from './model.types.js';

/** One recommended item; `because` is the history item that contributed most, if any. */
export interface ScoredItem {
  item: number;
  score: number;
  because: number | null;
}

/**
 * Scores items for a user with the given history (item → weight, e.g. the summed event
 * weights) and returns the best `limit` not in `exclude` (history items are always
 * excluded), best first. Each result carries the history item whose contribution to its
 * score was largest, for "because you liked X". When the history reaches fewer than `limit`
 * items, the rest is filled with the most popular ones (score 0, `because` null), so a
 * history-less user gets the popularity order.
 *
 * Cost: O(|history| × neighbours) to score plus O(touched × log limit) to select, and one
 * `nItems`-sized scratch buffer (reused between calls on the same model): well under a
 * millisecond for a 100-item history over 10 000 items and 100 neighbours.
 */
export function recommendForHistory(
  model: ItemModel,
  history: ReadonlyMap<number, number>,
  exclude: ReadonlySet<number>,
  limit: number,
): ScoredItem[] {
  const { scores, strongest, because, touched } = scratch(model);
  let count = 0;
  for (const [i, weight] of history) {
    // Non-positive weights would break the "first touch" test on scores below.
    if (!(i >= 0 && i < model.nItems) || !(weight > 0)) continue;
    for (let p = model.offsets[i]!; p < model.offsets[i + 1]!; p++) {
      const j = model.neighbours[p]!;
      const contribution = weight * model.weights[p]!;
      // Only positive contributions: a zero score is how an item is known to be untouched.
      if (!(contribution > 0)) continue;
      if (scores[j] === 0) touched[count++] = j;
      scores[j] += contribution;
      if (contribution > strongest[j]!) {
        strongest[j] = contribution;
        because[j] = i;
      }
    }
  }
  const allowed = (j: number) => scores[j]! > 0 && !exclude.has(j) && !history.has(j);
  const best = topK(touched, count, scores, limit, allowed);
  const result: ScoredItem[] = best.map((j) => ({
    item: j,
    score: scores[j]!,
    because: because[j]!,
  }));
  for (let c = 0; c < count; c++) {
    const j = touched[c]!;
    scores[j] = 0;
    strongest[j] = 0;
  }
  if (result.length < limit) {
    const chosen = new Set(best);
    for (const j of popularOrder(model)) {
      if (result.length >= limit) break;
      if (chosen.has(j) || exclude.has(j) || history.has(j)) continue;
      result.push({ item: j, score: 0, because: null });
    }
  }
  return result;
}

/**
 * Items by popularity, descending (ties by index): cold start and fill. Computed once per
 * model and cached, O(n log n).
 */
export function popularOrder(model: ItemModel): Uint32Array {
  let order = popularCache.get(model);
  if (!order) {
    const all = Uint32Array.from({ length: model.nItems }, (_, i) => i);
    const p = model.popularity;
    order = all.sort((a, b) => p[b]! - p[a]! || a - b);
    popularCache.set(model, order);
  }
  return order;
}

interface Scratch {
  scores: Float64Array;
  strongest: Float64Array;
  because: Int32Array;
  touched: Uint32Array;
}

// Per-model buffers: allocation per request would dominate scoring for short histories.
// Safe because scoring is synchronous; the buffers are zeroed again before returning.
const scratchCache = new WeakMap<ItemModel, Scratch>();
const popularCache = new WeakMap<ItemModel, Uint32Array>();

function scratch(model: ItemModel): Scratch {
  let s = scratchCache.get(model);
  if (!s) {
    const n = model.nItems;
    s = {
      scores: new Float64Array(n),
      strongest: new Float64Array(n),
      because: new Int32Array(n),
      touched: new Uint32Array(n),
    };
    scratchCache.set(model, s);
  }
  return s;
}
