import type { ItemModel } from './model.types.js';

const MAGIC = 0x4d51494d; // "MQIM"
const VERSION = 1;

/**
 * A compact binary form of an {@link ItemModel} for persistence (a file, a bytea column, a
 * Redis key): a 16-byte header, the options as JSON, then the four arrays. About
 * 8 bytes per neighbour plus 8 per item.
 */
export function encodeItemModel(model: ItemModel): Uint8Array {
  const options = new TextEncoder().encode(JSON.stringify(model.options));
  const optionsPadded = Math.ceil(options.length / 4) * 4;
  const n = model.neighbours.length;
  const bytes = new Uint8Array(
    16 + optionsPadded + 4 * (model.nItems + 1) + 8 * n + 4 * model.nItems,
  );
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, model.nItems, true);
  view.setUint32(12, options.length, true);
  bytes.set(options, 16);
  let at = 16 + optionsPadded;
  for (const array of [model.offsets, model.neighbours, model.weights, model.popularity]) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += array.byteLength;
  }
  return bytes;
}

/** The inverse of {@link encodeItemModel}; copies out of `bytes`. Throws on a foreign blob. */
export function decodeItemModel(bytes: Uint8Array): ItemModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) {
    throw new Error('not an item model (or an unsupported version)');
  }
  const nItems = view.getUint32(8, true);
  const optionsLength = view.getUint32(12, true);
  const options = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + optionsLength)));
  let at = bytes.byteOffset + 16 + Math.ceil(optionsLength / 4) * 4;
  const take = <T>(make: (buffer: ArrayBuffer) => T, byteLength: number): T => {
    const copy = bytes.buffer.slice(at, at + byteLength) as ArrayBuffer;
    at += byteLength;
    return make(copy);
  };
  const offsets = take((b) => new Uint32Array(b), 4 * (nItems + 1));
  const n = offsets[nItems]!;
  const neighbours = take((b) => new Uint32Array(b), 4 * n);
  const weights = take((b) => new Float32Array(b), 4 * n);
  const popularity = take((b) => new Float32Array(b), 4 * nItems);
  return { nItems, offsets, neighbours, weights, popularity, options };
}
