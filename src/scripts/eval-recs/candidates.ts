import {
  buildItemModel,
  cosineRows,
  itemPopularity,
  recommendForHistory,
  toFeedbackMatrix,
  type Interaction,
  type ItemModel,
  type ItemModelOptions,
} from '../../modules/recommendations/model/index.js';
import { popularityRecommender, userKnnRecommender } from './baselines.js';
import { itemsByUser, type Recommender } from './metrics.js';

/** A model under evaluation: how to build it from training interactions. */
export interface Candidate {
  name: string;
  role: 'baseline' | 'candidate' | 'marquee';
  build: (nItems: number, train: Interaction[]) => Recommender;
}

/** Ranks through the serving function, with the user's training items as history. */
export function servingRecommender(model: ItemModel, train: Interaction[]): Recommender {
  const byUser = itemsByUser(train);
  return (user, seen, limit) => {
    const history = new Map([...(byUser.get(user) ?? [])].map((item) => [item, 1]));
    return recommendForHistory(model, history, seen, limit).map((r) => r.item);
  };
}

const itemModel = (options: Partial<ItemModelOptions>) => (nItems: number, train: Interaction[]) =>
  servingRecommender(buildItemModel(nItems, train, options), train);

export function itemKnn(shrink: number, k: number) {
  return (nItems: number, train: Interaction[]): Recommender => {
    const m = toFeedbackMatrix(nItems, train);
    const rows = cosineRows(m, shrink, k);
    const model: ItemModel = {
      nItems,
      offsets: rows.offsets,
      neighbours: rows.columns,
      weights: rows.values,
      popularity: itemPopularity(m),
      options: buildItemModel(0, []).options,
    };
    return servingRecommender(model, train);
  };
}

/** Plain RP3beta over every item, through the serving model (no EASE rows). */
export const rp3beta = (alpha: number, beta: number, neighbours = 200) =>
  itemModel({ easeItems: 0, alpha, beta, neighbours, tailWeight: 1 });

/** Plain EASE over the most engaged items, no denoising, penalty, tail rows or time kernel. */
export const plainEase = (easeItems: number, easeLambda: number) =>
  itemModel({
    easeItems,
    easeLambda,
    easeDropout: 0,
    popularityPenalty: 0,
    tailWeight: 0,
    timeScaleHours: 0,
  });

/** What `npm run eval:recs` compares; the values come from `--tune` on the validation split. */
export const candidates: Candidate[] = [
  { name: 'Popularity', role: 'baseline', build: popularityRecommender },
  {
    name: 'UserKNN (cosine, k = 50)',
    role: 'baseline',
    build: (n, t) => userKnnRecommender(n, t, 50),
  },
  { name: 'ItemKNN (cosine, shrink 10, k = 50)', role: 'candidate', build: itemKnn(10, 50) },
  { name: 'RP3beta (α 0.8, β 0.4)', role: 'candidate', build: rp3beta(0.8, 0.4) },
  { name: 'EASE (1 000 items, λ 500)', role: 'candidate', build: plainEase(1000, 500) },
  {
    name: 'Marquee without the time kernel',
    role: 'candidate',
    build: itemModel({ timeScaleHours: 0 }),
  },
  { name: 'Marquee (serving defaults)', role: 'marquee', build: itemModel({}) },
];
