import { topK } from './top-k.js';
import type { FeedbackMatrix, SparseRows } from './model.types.js';

/**
 * Builds one sparse row per item from co-occurrence through shared users:
 * `row_i[j] = finish(i, j, Σ_u left[i,u] · right[u,j])` for j ≠ i, keeping the `k` largest
 * positive values, for the rows `wanted` selects (the others are left empty). `left` is
 * aligned with the item-major arrays of `m`, `right` with the user-major ones. Cost Σ_u |items(u)|² multiply-adds (the pairs of items each user
 * touched), plus one dense accumulator of `nItems` doubles.
 */
export function coOccurrenceRows(
  m: FeedbackMatrix,
  left: Float64Array,
  right: Float64Array,
  finish: (i: number, j: number, sum: number) => number,
  k: number,
  wanted: (i: number) => boolean = () => true,
): SparseRows {
  const { nItems, itemOffsets, itemUsers, userOffsets, userItems } = m;
  const acc = new Float64Array(nItems);
  const touched = new Uint32Array(nItems);
  const rows: { columns: number[]; values: number[] }[] = [];
  for (let i = 0; i < nItems; i++) {
    if (!wanted(i)) {
      rows.push({ columns: [], values: [] });
      continue;
    }
    let count = 0;
    for (let p = itemOffsets[i]!; p < itemOffsets[i + 1]!; p++) {
      const u = itemUsers[p]!;
      const a = left[p]!;
      for (let q = userOffsets[u]!; q < userOffsets[u + 1]!; q++) {
        const j = userItems[q]!;
        if (acc[j] === 0) touched[count++] = j;
        acc[j] += a * right[q]!;
      }
    }
    for (let c = 0; c < count; c++) {
      const j = touched[c]!;
      acc[j] = j === i ? 0 : finish(i, j, acc[j]!);
    }
    const best = topK(touched, count, acc, k, (j) => acc[j]! > 0);
    rows.push({ columns: best, values: best.map((j) => acc[j]!) });
    for (let c = 0; c < count; c++) acc[touched[c]!] = 0;
  }
  return packRows(rows);
}

/** Packs per-row arrays (already sorted by value, descending) into {@link SparseRows}. */
export function packRows(rows: { columns: number[]; values: number[] }[]): SparseRows {
  const offsets = new Uint32Array(rows.length + 1);
  rows.forEach((row, i) => (offsets[i + 1] = offsets[i]! + row.columns.length));
  const columns = new Uint32Array(offsets[rows.length]!);
  const values = new Float32Array(offsets[rows.length]!);
  rows.forEach((row, i) => {
    columns.set(row.columns, offsets[i]);
    values.set(row.values, offsets[i]);
  });
  return { offsets, columns, values };
}
