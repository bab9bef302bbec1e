import type { Interaction, ItemModel, ItemModelOptions } from './model.types.js';

/**
 * What crosses the worker boundary: interactions as three parallel typed arrays (one
 * transfer instead of structured-cloning 200 000 objects), the model back with its buffers
 * transferred.
 */
export interface BuildRequest {
  nItems: number;
  users: Float64Array;
  items: Uint32Array;
  weights: Float64Array;
  options: Partial<ItemModelOptions>;
}

export type BuildResponse = { ok: true; model: ItemModel } | { ok: false; error: string };

export function packInteractions(interactions: Interaction[]) {
  const users = new Float64Array(interactions.length);
  const items = new Uint32Array(interactions.length);
  const weights = new Float64Array(interactions.length);
  interactions.forEach((x, i) => {
    users[i] = x.user;
    items[i] = x.item;
    weights[i] = x.weight;
  });
  return { users, items, weights };
}

export function unpackInteractions(r: Pick<BuildRequest, 'users' | 'items' | 'weights'>) {
  return Array.from(r.users, (user, i) => ({ user, item: r.items[i]!, weight: r.weights[i]! }));
}

/** The model's buffers, to transfer rather than copy. */
export function modelBuffers(model: ItemModel): ArrayBuffer[] {
  return [model.offsets, model.neighbours, model.weights, model.popularity].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
