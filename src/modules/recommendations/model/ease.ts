import { spdInverse } from './spd-inverse.js';
import { topK } from './top-k.js';
import type { FeedbackMatrix } from './model.types.js';

/**
 * EASE (Steck, 2019) over a subset of items: with X the user × item matrix restricted to
 * `items`, P = (XᵀX + λI)⁻¹ and B = I − P·diag(1/diag P) with a zero diagonal, the closed
 * form of the best item-to-item linear model. Returns, per subset item, its `k` largest
 * positive weights B[i][j] (as item indices). Cost: Σ_u |items(u) ∩ subset|² for the Gram
 * matrix, then about n³/2 multiply-adds and 2 n² doubles for the inverse (n = subset size).
 * `dropout` > 0 makes it EDLAE (see below); column j is multiplied by `targetScale[j]`
 * (e.g. a popularity penalty) before pruning. With `time` and a matrix that has times, each
 * user's pair (i, j) adds w_ui·w_uj·(floor + (1 − floor)·exp(−|t_ui − t_uj| / scaleMs)) to the
 * Gram matrix instead of w_ui·w_uj: items engaged with close together in time count as more
 * related. The kernel is positive definite, so the Gram matrix stays PSD; a user with an
 * item of unknown time counts as without `time`.
 */
export function easeRows(
  m: FeedbackMatrix,
  items: number[],
  lambda: number,
  dropout: number,
  targetScale: Float64Array,
  k: number,
  time?: { scaleMs: number; floor: number },
): Map<number, { columns: number[]; values: number[] }> {
  const n = items.length;
  const local = new Int32Array(m.nItems).fill(-1);
  items.forEach((item, x) => (local[item] = x));

  const gram = new Float64Array(n * n);
  const xs: number[] = [];
  const ws: number[] = [];
  const ts: number[] = [];
  const times = time && time.scaleMs > 0 ? m.userTimes : undefined;
  const rate = time ? 1 / time.scaleMs : 0;
  const floor = time?.floor ?? 1;
  for (let u = 0; u < m.nUsers; u++) {
    xs.length = 0;
    ws.length = 0;
    ts.length = 0;
    let timed = times !== undefined;
    for (let q = m.userOffsets[u]!; q < m.userOffsets[u + 1]!; q++) {
      const x = local[m.userItems[q]!]!;
      if (x < 0) continue;
      xs.push(x);
      ws.push(m.userWeights[q]!);
      if (times) {
        ts.push(times[q]!);
        if (Number.isNaN(times[q]!)) timed = false;
      }
    }
    // Lower triangle only: that is all spdInverse reads.
    for (let a = 0; a < xs.length; a++) {
      const row = xs[a]! * n;
      for (let b = 0; b < xs.length; b++) {
        if (xs[b]! > xs[a]!) continue;
        let w = ws[a]! * ws[b]!;
        if (timed) w *= floor + (1 - floor) * Math.exp(-Math.abs(ts[a]! - ts[b]!) * rate);
        gram[row + xs[b]!] += w;
      }
    }
  }
  // EDLAE (Steck, 2020): dropout-denoising adds p/(1-p)·diag(G), emphasising rarely seen items less.
  const emphasis = dropout > 0 ? dropout / (1 - dropout) : 0;
  for (let x = 0; x < n; x++) gram[x * n + x] += lambda + emphasis * gram[x * n + x]!;

  const p = spdInverse(gram, n);
  const rows = new Map<number, { columns: number[]; values: number[] }>();
  const row = new Float64Array(n);
  const all = Uint32Array.from({ length: n }, (_, x) => x);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      row[b] = a === b ? 0 : (-p[a * n + b]! / p[b * n + b]!) * targetScale[items[b]!]!;
    }
    const best = topK(all, n, row, k, (b) => row[b]! > 0);
    rows.set(items[a]!, { columns: best.map((b) => items[b]!), values: best.map((b) => row[b]!) });
  }
  return rows;
}
