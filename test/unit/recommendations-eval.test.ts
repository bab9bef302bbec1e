import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../src/scripts/eval-recs/metrics.js';
import { randomSplit } from '../../src/scripts/eval-recs/split.js';

describe('offline evaluation', () => {
  it('should compute the top-10 metrics of the protocol on a hand-checked case', () => {
    const train = [
      { user: 1, item: 0, weight: 1 },
      { user: 2, item: 1, weight: 1 },
    ];
    const test = [
      { user: 1, item: 5, weight: 1 },
      { user: 1, item: 6, weight: 1 },
      { user: 2, item: 7, weight: 1 },
    ];
    const lists: Record<number, number[]> = { 1: [5, 9, 6], 2: [3, 4] };
    const seenBy: Record<number, number[]> = {};
    const scores = evaluate(
      (user, seen, limit) => {
        seenBy[user] = [...seen];
        return lists[user]!.slice(0, limit);
      },
      train,
      test,
      20,
    );
    assert.deepEqual(seenBy, { 1: [0], 2: [1] });
    const ndcgUser1 = (1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3));
    assert.equal(scores.users, 2);
    assert.ok(Math.abs(scores.precision - (2 / 10 + 0) / 2) < 1e-12);
    assert.ok(Math.abs(scores.recall - (1 + 0) / 2) < 1e-12);
    assert.ok(Math.abs(scores.ndcg - ndcgUser1 / 2) < 1e-12);
    assert.equal(scores.hitRate, 0.5);
    assert.equal(scores.coverage, 5 / 20);
  });

  it('should split the same way for the same seed, and about 80/20', () => {
    const data = Array.from({ length: 10_000 }, (_, i) => ({ user: i % 7, item: i, weight: 1 }));
    const a = randomSplit(data, 0.2, 42);
    assert.deepEqual(randomSplit(data, 0.2, 42), a);
    assert.notDeepEqual(randomSplit(data, 0.2, 43).test, a.test);
    assert.ok(Math.abs(a.test.length / data.length - 0.2) < 0.02);
  });
});
