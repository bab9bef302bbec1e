/**
 * One user's implicit feedback on one item. `weight` must be positive; several rows for
 * the same (user, item) pair are summed by {@link buildItemModel}, so a caller may pass raw
 * events. `user` is any integer id (it need not be dense); `item` is an index in
 * `[0, nItems)`. `at` (optional) is when it happened, in epoch milliseconds; of several
 * rows for one pair the latest counts. See {@link ItemModelOptions.timeScaleHours}.
 */
export interface Interaction {
  user: number;
  item: number;
  weight: number;
  at?: number;
}

/**
 * The collaborative model, as plain data: typed arrays (transferable from a worker, easy to
 * persist) and numbers. Row `i` lists what engaging with item `i` says about other items:
 * `neighbours[offsets[i] .. offsets[i + 1])` with `weights` at the same positions, sorted
 * by weight, descending. Rows are directed (EASE weights are not symmetric), and a user's
 * score for item `j` is the sum over history items `i` of `historyWeight(i) * w(i, j)`.
 */
export interface ItemModel {
  nItems: number;
  /** `nItems + 1` row starts into `neighbours` and `weights`. */
  offsets: Uint32Array;
  neighbours: Uint32Array;
  weights: Float32Array;
  /** Distinct users per item in the training data: cold-start order and tie-break. */
  popularity: Float32Array;
  /** The options the model was built with, for logs and persistence. */
  options: ItemModelOptions;
}

/** How {@link buildItemModel} weighs and prunes; the defaults are the evaluated choice. */
export interface ItemModelOptions {
  /** Neighbours kept per item (row length). Memory and scoring cost grow with it. */
  neighbours: number;
  /**
   * Items (the most engaged) that get an exact EASE model; 0 disables EASE. Building it
   * inverts a dense matrix of this side: about n³/2 multiply-adds and 16 n² bytes, so keep
   * it ≤ 1 500.
   */
  easeItems: number;
  /** EASE L2 regularisation (λ added to the Gram matrix diagonal). */
  easeLambda: number;
  /** EDLAE dropout probability p: adds p/(1-p)·diag(XᵀX) to the regularisation; 0 is plain EASE. */
  easeDropout: number;
  /**
   * In EASE rows, every target item's weight is divided by its popularity (distinct users)
   * to this power: a mild push away from what everyone already saw, which the evaluation
   * rewards (0.25 against 0: +1% to +4% NDCG@10 on validation).
   */
  popularityPenalty: number;
  /** RP3beta exponent on the random-walk transition probabilities. */
  alpha: number;
  /** RP3beta popularity penalty: target items are divided by popularity^beta. */
  beta: number;
  /**
   * Weight of the RP3beta rows (items outside the EASE subset) relative to EASE rows; their
   * typical top weight is matched to EASE's first. 0 leaves tail items without neighbours.
   */
  tailWeight: number;
  /**
   * Time-aware co-occurrence in the EASE Gram matrix: a user's pair of items counts
   * `timeFloor + (1 − timeFloor)·exp(−|Δt| / τ)` times, τ this many hours and Δt the gap
   * between the two interactions' `at` (a positive-definite kernel, so the Gram matrix stays
   * PSD). Items engaged with in one session are more related than items a month apart.
   * 0, or interactions without `at`, count every pair fully (the model without times).
   * Validation on MovieLens (mean NDCG@10 of three splits): 0.2060 without the kernel;
   * τ 0.1 h (6 min) 0.2213 with floor 0.1, 0.2207 with 0.25, 0.2191 with 0.5; τ 0.05 h
   * 0.2205, τ 0.5 h 0.2192, τ 4 h 0.2128 (floor 0.1). Costs one `exp` per co-occurrence.
   */
  timeScaleHours: number;
  /** The weight, in [0, 1], of a pair far apart in time; 1 disables the time kernel. */
  timeFloor: number;
}

/**
 * The sparse (user, item) weight matrix, users numbered densely, stored twice in compressed
 * rows: by user and by item, each row sorted by column.
 */
export interface FeedbackMatrix {
  nUsers: number;
  nItems: number;
  userOffsets: Uint32Array;
  userItems: Uint32Array;
  userWeights: Float64Array;
  /**
   * When each (user, item) happened (epoch ms, the latest of its rows), aligned with
   * `userItems`; NaN where unknown. Absent when no interaction had a time.
   */
  userTimes?: Float64Array;
  itemOffsets: Uint32Array;
  itemUsers: Uint32Array;
  itemWeights: Float64Array;
}

/** Sparse rows sorted by value, descending: the shape of {@link ItemModel}'s neighbour lists. */
export interface SparseRows {
  offsets: Uint32Array;
  columns: Uint32Array;
  values: Float32Array;
}
