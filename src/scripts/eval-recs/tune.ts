import type { Interaction, ItemModelOptions } from '../../modules/recommendations/model/index.js';
import { itemKnn, rp3beta, servingRecommender, type Candidate } from './candidates.js';
import { buildItemModel } from '../../modules/recommendations/model/index.js';

const grid = <T>(axes: T[][]): T[][] =>
  axes.reduce<T[][]>((acc, axis) => acc.flatMap((a) => axis.map((v) => [...a, v])), [[]]);

/**
 * The hyperparameter grid `--tune` runs on the validation splits (carved out of the
 * training data): a few values per axis around the literature's defaults. The EASE rows
 * vary one group of options with the others at their defaults: regularisation, penalty and
 * tail first, then the time kernel.
 */
export function tuningGrid(): Candidate[] {
  const out: Candidate[] = [];
  for (const [shrink, k] of grid([
    [0, 10, 50],
    [50, 200],
  ])) {
    out.push({
      name: `ItemKNN shrink ${shrink} k ${k}`,
      role: 'candidate',
      build: itemKnn(shrink!, k!),
    });
  }
  for (const [alpha, beta] of grid([
    [0.5, 0.8, 1],
    [0.2, 0.4, 0.6],
  ])) {
    out.push({
      name: `RP3beta α ${alpha} β ${beta}`,
      role: 'candidate',
      build: rp3beta(alpha!, beta!),
    });
  }
  const marquee = (o: Partial<ItemModelOptions>) => (n: number, t: Interaction[]) =>
    servingRecommender(buildItemModel(n, t, o), t);
  for (const [easeLambda, easeDropout, popularityPenalty, tailWeight] of grid([
    [100, 200, 500],
    [0, 0.33],
    [0, 0.25],
    [0, 1],
  ])) {
    const o = { easeLambda, easeDropout, popularityPenalty, tailWeight };
    out.push({ name: `EASE ${JSON.stringify(o)}`, role: 'candidate', build: marquee(o) });
  }
  // The time kernel (the other options at their defaults); timeScaleHours 0 is no kernel.
  out.push({
    name: 'EASE {"timeScaleHours":0}',
    role: 'candidate',
    build: marquee({ timeScaleHours: 0 }),
  });
  for (const [timeScaleHours, timeFloor] of grid([
    [0.05, 0.1, 0.5, 4],
    [0.1, 0.25, 0.5],
  ])) {
    const o = { timeScaleHours, timeFloor };
    out.push({ name: `EASE ${JSON.stringify(o)}`, role: 'candidate', build: marquee(o) });
  }
  return out;
}
