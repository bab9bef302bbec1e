import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userSubset } from '../../src/scripts/eval-recs/subset.js';
import { recentTimeline } from '../../src/scripts/eval-recs/timeline.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const end = Date.UTC(2026, 11, 2, 12);
const options = { end, spanMs: 23 * HOUR, maxGapMs: 30 * MIN };

describe('evaluation through the API: its pure pieces', () => {
  it('should keep gaps within a session and shorten those between sessions', () => {
    const t0 = Date.UTC(2005, 0, 1);
    const at = [t0, t0 + 2 * MIN, t0 + 2 * MIN, t0 + 400 * DAY, t0 + 400 * DAY + 10 * MIN];
    // Given out of order: the mapping follows the times, not the input order.
    const order = [3, 0, 4, 2, 1];
    const mapped = recentTimeline(
      order.map((k) => ({ user: 7, item: k, weight: 1, at: at[k] })),
      options,
    );
    const byItem = new Map(order.map((k, i) => [k, mapped[i]!]));
    const gaps = [1, 2, 3, 4].map((k) => byItem.get(k)! - byItem.get(k - 1)!);
    assert.deepEqual(gaps, [2 * MIN, 0, 30 * MIN, 10 * MIN]);
    for (const t of mapped) assert.ok(t >= end - 23 * HOUR && t <= end);
  });

  it('should scale a timeline longer than the span into it, keeping its order', () => {
    const t0 = Date.UTC(2000, 0, 1);
    // 100 sessions a year apart: 99 shortened gaps of 30 minutes, 49.5 hours in all.
    const xs = Array.from({ length: 100 }, (_, i) => ({
      user: 1,
      item: i,
      weight: 1,
      at: t0 + i * 365 * DAY,
    }));
    const mapped = recentTimeline(xs, options);
    assert.equal(mapped[0], end - 23 * HOUR);
    assert.equal(mapped[99], end);
    for (let i = 1; i < 100; i++) assert.ok(mapped[i]! > mapped[i - 1]!);
  });

  it('should place each user by when they began, within the span', () => {
    const xs = [
      { user: 1, item: 0, weight: 1, at: Date.UTC(1996, 0, 1) },
      { user: 2, item: 0, weight: 1, at: Date.UTC(2006, 0, 1) },
      { user: 2, item: 1, weight: 1, at: Date.UTC(2006, 0, 1) + 5 * MIN },
      { user: 3, item: 0, weight: 1, at: Date.UTC(2016, 0, 1) },
    ];
    const mapped = recentTimeline(xs, options);
    assert.equal(mapped[0], end - 23 * HOUR);
    assert.ok(mapped[1]! > mapped[0]! && mapped[3]! > mapped[2]!);
    assert.equal(mapped[2]! - mapped[1]!, 5 * MIN);
    assert.equal(mapped[3], end);
  });

  it('should keep the first users with all their ratings, items renumbered densely', () => {
    const ratings = {
      nItems: 4,
      nUsers: 3,
      movieIds: [10, 20, 30, 40],
      interactions: [
        { user: 5, item: 3, weight: 1, at: 1 },
        { user: 9, item: 0, weight: 1, at: 2 },
        { user: 2, item: 1, weight: 1, at: 3 },
        { user: 5, item: 1, weight: 1, at: 4 },
      ],
    };
    const subset = userSubset(ratings, 2);
    assert.deepEqual(subset.users, [2, 5]);
    assert.equal(subset.nItems, 2);
    assert.deepEqual(
      subset.interactions.map((x) => [x.user, subset.movieOf[x.item], x.at]),
      [
        [5, 40, 1],
        [2, 20, 3],
        [5, 20, 4],
      ],
    );
    assert.equal(userSubset(ratings).users.length, 3);
  });
});
