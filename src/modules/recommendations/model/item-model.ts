import { easeRows } from './ease.js';
import { toFeedbackMatrix } from './feedback-matrix.js';
import { packRows } from './item-rows.js';
import { rp3betaRows } from './item-similarity.js';
import { topK } from './top-k.js';
import type { FeedbackMatrix, Interaction, ItemModel, ItemModelOptions } from './model.types.js';

/** The defaults: tuned on validation splits of MovieLens (see docs/recommendations.md). */
export const defaultItemModelOptions: Readonly<ItemModelOptions> = Object.freeze({
  neighbours: 200,
  easeItems: 1000,
  easeLambda: 200,
  easeDropout: 0.33,
  popularityPenalty: 0.25,
  alpha: 1,
  beta: 0.3,
  tailWeight: 1,
  // Pairs engaged within minutes of each other count fully, pairs far apart 0.1 of that
  // (see ItemModelOptions.timeScaleHours): +7% NDCG@10 on validation.
  timeScaleHours: 0.1,
  timeFloor: 0.1,
});

/**
 * Builds the collaborative model from implicit feedback: EASE rows (with EDLAE denoising)
 * for the `easeItems` most engaged items, where the data supports a dense model, and
 * RP3beta rows for the other items, so that a history of tail items still reaches
 * something; the RP3beta rows are rescaled to EASE's typical magnitude times `tailWeight`.
 * Target items are divided by popularity^`popularityPenalty`. When the interactions carry
 * `at`, a user's two items count in EASE's Gram matrix by how close together in time they
 * were engaged with (`timeScaleHours`, `timeFloor`); without `at` the model is what it was
 * before times existed. Duplicate (user, item) rows are summed. Deterministic: the same
 * interactions in any order give the same model.
 *
 * Cost: Σ_u |items(u)|² for the co-occurrences (one `exp` each with times) plus about
 * easeItems³/2 multiply-adds for the EASE inverse (≈ 1–2 s for 1 000 items on one core,
 * 8 easeItems² bytes transiently);
 * the result takes `nItems × neighbours × 8` bytes. Synchronous and CPU-bound: serving
 * runs it through {@link buildItemModelInWorker}.
 */
export function buildItemModel(
  nItems: number,
  interactions: Interaction[],
  options: Partial<ItemModelOptions> = {},
): ItemModel {
  const o: ItemModelOptions = { ...defaultItemModelOptions, ...options };
  const m = toFeedbackMatrix(nItems, interactions);
  const popularity = itemPopularity(m);
  const penalty = Float64Array.from(popularity, (p) => Math.max(1, p) ** -o.popularityPenalty);
  const subset = o.easeItems > 0 ? mostEngaged(popularity, o.easeItems) : [];
  const time =
    o.timeScaleHours > 0 && o.timeFloor < 1
      ? { scaleMs: o.timeScaleHours * 3_600_000, floor: o.timeFloor }
      : undefined;
  const ease = easeRows(m, subset, o.easeLambda, o.easeDropout, penalty, o.neighbours, time);

  const rows: { columns: number[]; values: number[] }[] = [];
  if (o.tailWeight > 0 && ease.size < nItems) {
    // Only the rows EASE does not cover: the popular items are where co-occurrence costs most.
    const tail = rp3betaRows(m, o.alpha, o.beta, o.neighbours, (i) => !ease.has(i));
    // Tail rows live on another scale: match their typical top weight to EASE's.
    const scale =
      (o.tailWeight * (meanTop(ease.values(), (r) => r.values[0]) || 1)) /
      (meanTop(rowsOf(tail), (r) => r.values[0]) || 1);
    for (let i = 0; i < nItems; i++) {
      const row = ease.get(i);
      if (row) rows.push(row);
      else {
        const from = tail.offsets[i]!;
        const to = tail.offsets[i + 1]!;
        rows.push({
          columns: Array.from(tail.columns.subarray(from, to)),
          values: Array.from(tail.values.subarray(from, to), (v) => v * scale),
        });
      }
    }
  } else {
    for (let i = 0; i < nItems; i++) rows.push(ease.get(i) ?? { columns: [], values: [] });
  }
  const packed = packRows(rows);
  return {
    nItems,
    offsets: packed.offsets,
    neighbours: packed.columns,
    weights: packed.values,
    popularity,
    options: o,
  };
}

/** Distinct users per item. */
export function itemPopularity(m: FeedbackMatrix): Float32Array {
  const popularity = new Float32Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) popularity[i] = m.itemOffsets[i + 1]! - m.itemOffsets[i]!;
  return popularity;
}

function mostEngaged(popularity: Float32Array, n: number): number[] {
  const all = Uint32Array.from({ length: popularity.length }, (_, i) => i);
  return topK(all, all.length, popularity, n, (i) => popularity[i]! > 0);
}

function* rowsOf(rows: { offsets: Uint32Array; values: Float32Array }) {
  for (let i = 0; i + 1 < rows.offsets.length; i++) {
    const from = rows.offsets[i]!;
    if (from < rows.offsets[i + 1]!) yield { values: [rows.values[from]!] };
  }
}

function meanTop<T>(rows: Iterable<T>, top: (row: T) => number | undefined): number {
  let sum = 0;
  let n = 0;
  for (const row of rows) {
    const v = top(row);
    if (v === undefined) continue;
    sum += v;
    n++;
  }
  return n ? sum / n : 0;
}
