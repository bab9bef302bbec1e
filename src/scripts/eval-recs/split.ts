import type { Interaction } from '../../modules/recommendations/model/index.js';

/** mulberry32: a small, well-mixed 32-bit PRNG, so a seed reproduces the split anywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Split {
  train: Interaction[];
  test: Interaction[];
}

/** Each interaction goes to `test` with probability `testShare`, independently. */
export function randomSplit(interactions: Interaction[], testShare: number, seed: number): Split {
  const random = seededRandom(seed);
  const split: Split = { train: [], test: [] };
  for (const x of interactions) (random() < testShare ? split.test : split.train).push(x);
  return split;
}
