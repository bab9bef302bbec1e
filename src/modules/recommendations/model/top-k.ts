/**
 * The `k` indices of `candidates` with the highest `scores[index]`, best first; ties go to
 * the smaller index so results are deterministic. A bounded min-heap: O(n log k).
 * `accept` filters candidates (e.g. "positive and not already seen") without a copy.
 */
export function topK(
  candidates: ArrayLike<number>,
  count: number,
  scores: ArrayLike<number>,
  k: number,
  accept: (index: number) => boolean = () => true,
): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  // "a ranks below b": the heap keeps its worst entry at the root.
  const below = (a: number, b: number) =>
    scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && below(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && below(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let c = 0; c < count; c++) {
    const index = candidates[c]!;
    // The cheap comparison first: most candidates lose to the worst kept one.
    if (heap.length >= k && !below(heap[0]!, index)) continue;
    if (!accept(index)) continue;
    if (heap.length < k) {
      heap.push(index);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!below(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else {
      heap[0] = index;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
}
