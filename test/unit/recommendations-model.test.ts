import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildItemModel,
  buildItemModelInWorker,
  decodeItemModel,
  encodeItemModel,
  recommendForHistory,
  type Interaction,
} from '../../src/modules/recommendations/model/index.js';

/** Two taste groups over 12 items: users like items 0–5 or 6–11, with a few missing. */
function twoGroups(): Interaction[] {
  const interactions: Interaction[] = [];
  for (let user = 0; user < 40; user++) {
    const base = user % 2 === 0 ? 0 : 6;
    for (let k = 0; k < 6; k++) {
      if ((user + k) % 5 !== 0) interactions.push({ user, item: base + k, weight: 1 });
    }
  }
  return interactions;
}

const small = { easeItems: 8, easeLambda: 1, neighbours: 20 };

describe('item model', () => {
  it('should recommend from the same group, never a seen or excluded item, with a reason', () => {
    const model = buildItemModel(12, twoGroups(), small);
    const history = new Map([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    const results = recommendForHistory(model, history, new Set([3]), 2);
    assert.equal(results.length, 2);
    for (const r of results) {
      assert.ok([4, 5].includes(r.item), `item ${r.item}`);
      assert.ok(r.score > 0);
      assert.ok(r.because !== null && history.has(r.because));
    }
  });

  it('should fill with popular items when the history says nothing', () => {
    const model = buildItemModel(12, twoGroups(), small);
    const results = recommendForHistory(model, new Map(), new Set([0]), 3);
    assert.equal(results.length, 3);
    assert.ok(results.every((r) => r.because === null && r.score === 0 && r.item !== 0));
  });

  it('should build the same model from the same data in any order, with duplicates summed', () => {
    const data = twoGroups();
    const a = buildItemModel(12, data, small);
    const shuffled = [...data].reverse();
    const split = shuffled.flatMap((x) => [
      { ...x, weight: 0.5 },
      { ...x, weight: 0.5 },
    ]);
    const b = buildItemModel(12, split, small);
    assert.deepEqual(b, a);
  });

  it('should round-trip the binary form', () => {
    const model = buildItemModel(12, twoGroups(), small);
    assert.deepEqual(decodeItemModel(encodeItemModel(model)), model);
  });

  it('should build the same model in a worker thread', async () => {
    const model = await buildItemModelInWorker(12, twoGroups(), small);
    assert.deepEqual(model, buildItemModel(12, twoGroups(), small));
  });

  it('should reject a bad interaction from the worker', async () => {
    await assert.rejects(buildItemModelInWorker(3, [{ user: 1, item: 7, weight: 1 }]), /outside/);
  });
});
