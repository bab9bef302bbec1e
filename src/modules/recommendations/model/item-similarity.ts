import { coOccurrenceRows } from './item-rows.js';
import type { FeedbackMatrix, SparseRows } from './model.types.js';

/**
 * RP3beta (Paudel et al., 2017): the probability of a three-step random walk item → user →
 * item, each step's transition probability raised to `alpha`, divided by the target item's
 * popularity raised to `beta` so that popular items do not take every list. Directed rows,
 * `k` per item, only for the items `wanted` selects (all by default). Cost: see {@link coOccurrenceRows}.
 */
export function rp3betaRows(
  m: FeedbackMatrix,
  alpha: number,
  beta: number,
  k: number,
  wanted?: (i: number) => boolean,
): SparseRows {
  const left = new Float64Array(m.itemWeights.length);
  for (let i = 0; i < m.nItems; i++) {
    const total = sum(m.itemWeights, m.itemOffsets[i]!, m.itemOffsets[i + 1]!);
    for (let p = m.itemOffsets[i]!; p < m.itemOffsets[i + 1]!; p++) {
      left[p] = (m.itemWeights[p]! / total) ** alpha;
    }
  }
  const right = new Float64Array(m.userWeights.length);
  for (let u = 0; u < m.nUsers; u++) {
    const total = sum(m.userWeights, m.userOffsets[u]!, m.userOffsets[u + 1]!);
    for (let q = m.userOffsets[u]!; q < m.userOffsets[u + 1]!; q++) {
      right[q] = (m.userWeights[q]! / total) ** alpha;
    }
  }
  const penalty = new Float64Array(m.nItems);
  for (let j = 0; j < m.nItems; j++) {
    penalty[j] = Math.max(1, m.itemOffsets[j + 1]! - m.itemOffsets[j]!) ** beta;
  }
  return coOccurrenceRows(m, left, right, (_i, j, s) => s / penalty[j]!, k, wanted);
}

/**
 * Item-based cosine with shrinkage: `Σ_u x_ui x_uj / (‖x_i‖ ‖x_j‖ + shrink)`; the shrink term
 * discounts similarities resting on a handful of shared users. Symmetric, `k` per item.
 */
export function cosineRows(m: FeedbackMatrix, shrink: number, k: number): SparseRows {
  const norms = new Float64Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) {
    let s = 0;
    for (let p = m.itemOffsets[i]!; p < m.itemOffsets[i + 1]!; p++) s += m.itemWeights[p]! ** 2;
    norms[i] = Math.sqrt(s);
  }
  return coOccurrenceRows(
    m,
    m.itemWeights,
    m.userWeights,
    (i, j, s) => s / (norms[i]! * norms[j]! + shrink),
    k,
  );
}

function sum(values: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let p = from; p < to; p++) s += values[p]!;
  return s;
}
