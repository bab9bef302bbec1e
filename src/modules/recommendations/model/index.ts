/**
 * The recommender's pure model layer: no database, no GraphQL, no I/O. Serving and the
 * offline evaluation (`npm run eval:recs`) call these same functions.
 */
export type {
  Interaction,
  ItemModel,
  ItemModelOptions,
  FeedbackMatrix,
  SparseRows,
} from './model.types.js';
export { buildItemModel, defaultItemModelOptions, itemPopularity } from './item-model.js';
export { buildItemModelInWorker } from './build-in-worker.js';
export { recommendForHistory, popularOrder, type ScoredItem } from './recommend.js';
export { popularity } from './popularity.js';
export { encodeItemModel, decodeItemModel } from './model-codec.js';
export {
  TextIndex,
  type TextDocument,
  type SimilarDocument,
  type TextIndexJson,
} from './text-index.js';
export { tokenize } from './tokenize.js';
export { stem } from './porter-stemmer.js';
export { toFeedbackMatrix } from './feedback-matrix.js';
export { rp3betaRows, cosineRows } from './item-similarity.js';
export { easeRows } from './ease.js';
