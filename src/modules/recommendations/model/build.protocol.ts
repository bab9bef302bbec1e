import type { Interaction, ItemModel, ItemModelOptions } from './model.types.js';

/**
 * What crosses the worker boundary: interactions as four parallel typed arrays (one
 * transfer instead of structured-cloning 200 000 objects; NaN in `times` for no `at`), the
 * model back with its buffers transferred.
 */
export interface BuildRequest {
  nItems: number;
  users: Float64Array;
  items: Uint32Array;
  weights: Float64Array;
  times: Float64Array;
  options: Partial<ItemModelOptions>;
}

export type BuildResponse = { ok: true; model: ItemModel } | { ok: false; error: string };

export function packInteractions(interactions: Interaction[]) {
  const users = new Float64Array(interactions.length);
  const items = new Uint32Array(interactions.length);
  const weights = new Float64Array(interactions.length);
  const times = new Float64Array(interactions.length);
  interactions.forEach((x, i) => {
    users[i] = x.user;
    items[i] = x.item;
    weights[i] = x.weight;
    times[i] = x.at ?? NaN;
  });
  return { users, items, weights, times };
}

export function unpackInteractions(
  r: Pick<BuildRequest, 'users' | 'items' | 'weights' | 'times'>,
): Interaction[] {
  return Array.from(r.users, (user, i) => {
    const x: Interaction = { user, item: r.items[i]!, weight: r.weights[i]! };
    if (!Number.isNaN(r.times[i]!)) x.at = r.times[i]!;
    return x;
  });
}

/** The model's buffers, to transfer rather than copy. */
export function modelBuffers(model: ItemModel): ArrayBuffer[] {
  return [model.offsets, model.neighbours, model.weights, model.popularity].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
