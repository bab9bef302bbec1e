import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from '../../src/modules/metrics/metrics.batcher.js';

/** A write that records what it was given and answers each item with its double. */
function recording() {
  const writes: number[][] = [];
  const batcher = new Batcher<number, number>(
    async (items) => {
      writes.push(items);
      return items.map((i) => i * 2);
    },
    { maxSize: 10, concurrency: 1 },
  );
  return { writes, batcher };
}

describe('metrics batcher (group commit)', () => {
  it('should write the calls submitted together in one write, each answered with its own result', async () => {
    const { writes, batcher } = recording();
    const results = await Promise.all([1, 2, 3].map((i) => batcher.submit(i, 1)));
    assert.deepEqual(results, [2, 4, 6]);
    assert.deepEqual(writes, [[1, 2, 3]]);
  });

  it('should take what waits during a write into the next one, up to maxSize', async () => {
    const { writes, batcher } = recording();
    const first = batcher.submit(1, 1);
    await new Promise((r) => setImmediate(r)); // the first write is under way
    const rest = [2, 3, 4].map((i) => batcher.submit(i, 4));
    assert.deepEqual(await Promise.all([first, ...rest]), [2, 4, 6, 8]);
    assert.deepEqual(writes, [[1], [2, 3], [4]]);
  });

  it('should fail every call of a failed write, and go on with the next', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(
      async (items) => {
        if (fail) {
          fail = false;
          throw new Error('down');
        }
        return items;
      },
      { maxSize: 10, concurrency: 1 },
    );
    const failed = await Promise.allSettled([batcher.submit(1, 1), batcher.submit(2, 1)]);
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(await batcher.submit(3, 1), 3);
  });
});
