import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildItemModel,
  buildItemModelInWorker,
  decodeItemModel,
  encodeItemModel,
  recommendForHistory,
  toFeedbackMatrix,
  type Interaction,
  type ItemModel,
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

/** The weight of j in item i's row (0 when j is not a neighbour). */
function weight(model: ItemModel, i: number, j: number): number {
  for (let p = model.offsets[i]!; p < model.offsets[i + 1]!; p++) {
    if (model.neighbours[p] === j) return model.weights[p]!;
  }
  return 0;
}

const rows = ({ offsets, neighbours, weights }: ItemModel) => ({ offsets, neighbours, weights });

/**
 * Every user engages with items 0, 1 and 2 (and one of 3–5): 1 a minute after 0, 2 a month
 * later, so that only time tells 1 and 2 apart.
 */
function sessions(): Interaction[] {
  const interactions: Interaction[] = [];
  const month = 30 * 86_400_000;
  for (let user = 0; user < 30; user++) {
    const start = Date.UTC(2025, 0, 1) + user * 3 * month;
    interactions.push(
      { user, item: 0, weight: 1, at: start },
      { user, item: 1, weight: 1, at: start + 60_000 },
      { user, item: 2, weight: 1, at: start + month },
      { user, item: 3 + (user % 3), weight: 1, at: start + 2 * month },
    );
  }
  return interactions;
}

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

  it('should build the same rows without times as with the time kernel off', () => {
    const data = twoGroups();
    assert.deepEqual(
      rows(buildItemModel(12, data, small)),
      rows(buildItemModel(12, data, { ...small, timeScaleHours: 0 })),
    );
    // Times all equal: every pair is close, so the kernel changes nothing either.
    const sameTime = data.map((x) => ({ ...x, at: 1_700_000_000_000 }));
    assert.deepEqual(
      rows(buildItemModel(12, sameTime, small)),
      rows(buildItemModel(12, data, small)),
    );
  });

  it('should weigh items engaged close together in time more than ones far apart', () => {
    const data = sessions();
    const timed = buildItemModel(6, data, { ...small, timeScaleHours: 1, timeFloor: 0.25 });
    assert.ok(weight(timed, 0, 1) > 1.5 * weight(timed, 0, 2), `${weight(timed, 0, 1)}`);
    assert.ok(weight(timed, 1, 0) > weight(timed, 1, 2));
    // Without times (or with the kernel off) items 1 and 2 are interchangeable.
    const untimed = buildItemModel(
      6,
      data.map(({ user, item, weight }) => ({ user, item, weight })),
      small,
    );
    assert.equal(weight(untimed, 0, 1), weight(untimed, 0, 2));
    assert.deepEqual(rows(buildItemModel(6, data, { ...small, timeScaleHours: 0 })), rows(untimed));
  });

  it('should keep the latest time of duplicate rows and reject a time that is not finite', () => {
    const m = toFeedbackMatrix(2, [
      { user: 1, item: 0, weight: 1, at: 5 },
      { user: 1, item: 0, weight: 1, at: 9 },
      { user: 1, item: 1, weight: 1, at: 7 },
    ]);
    assert.deepEqual([...m.userTimes!], [9, 7]);
    assert.deepEqual([...m.userWeights], [2, 1]);
    assert.equal(toFeedbackMatrix(2, [{ user: 1, item: 0, weight: 1 }]).userTimes, undefined);
    assert.throws(() => toFeedbackMatrix(1, [{ user: 1, item: 0, weight: 1, at: NaN }]), /finite/);
  });

  it('should carry the times to the worker', async () => {
    const options = { ...small, timeScaleHours: 1, timeFloor: 0.25 };
    const model = await buildItemModelInWorker(6, sessions(), options);
    assert.deepEqual(model, buildItemModel(6, sessions(), options));
  });
});
