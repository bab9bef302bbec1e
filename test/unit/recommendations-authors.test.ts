import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthorIndex } from '../../src/modules/recommendations/recs.author-index.js';

describe('author index', () => {
  it('should list an author’s content newest first, ties by id descending', () => {
    const index = new AuthorIndex();
    index.add('b', 'ann', 200);
    index.add('a', 'ann', 100);
    index.add('d', 'ann', 300);
    index.add('c', 'ann', 200);
    index.add('x', 'bob', 999);
    assert.deepEqual(
      index.newest('ann', 10, () => false),
      ['d', 'c', 'b', 'a'],
    );
    assert.deepEqual(
      index.newest('bob', 10, () => false),
      ['x'],
    );
    assert.deepEqual(
      index.newest('nobody', 10, () => false),
      [],
    );
    assert.equal(index.author('c'), 'ann');
    assert.equal(index.author('missing'), undefined);
  });

  it('should skip what the caller excludes and stop at n', () => {
    const index = new AuthorIndex();
    for (let i = 0; i < 10; i++) index.add(`c${i}`, 'ann', i);
    assert.deepEqual(
      index.newest('ann', 3, (id) => id === 'c9' || id === 'c7'),
      ['c8', 'c6', 'c5'],
    );
  });

  it('should move a content listed again instead of listing it twice', () => {
    const index = new AuthorIndex();
    index.add('old', 'ann', 100);
    index.add('mid', 'ann', 200);
    index.add('old', 'ann', 300); // published again later
    assert.deepEqual(
      index.newest('ann', 10, () => false),
      ['old', 'mid'],
    );
  });
});
