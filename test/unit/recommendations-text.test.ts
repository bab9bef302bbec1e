import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stem, TextIndex, tokenize } from '../../src/modules/recommendations/model/index.js';

describe('Porter stemmer', () => {
  it("should stem Porter's published examples", () => {
    const expected: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      ties: 'ti',
      cats: 'cat',
      feed: 'feed',
      agreed: 'agre',
      plastered: 'plaster',
      motoring: 'motor',
      sing: 'sing',
      conflated: 'conflat',
      troubled: 'troubl',
      sized: 'size',
      hopping: 'hop',
      falling: 'fall',
      hissing: 'hiss',
      failing: 'fail',
      filing: 'file',
      happy: 'happi',
      sky: 'sky',
      relational: 'relat',
      conditional: 'condit',
      rational: 'ration',
      generalization: 'gener',
      oscillators: 'oscil',
      connection: 'connect',
      connected: 'connect',
      connecting: 'connect',
      adjustment: 'adjust',
      effective: 'effect',
      probate: 'probat',
      rate: 'rate',
      cease: 'ceas',
      controll: 'control',
      roll: 'roll',
      hopeful: 'hope',
      goodness: 'good',
      electrical: 'electr',
    };
    for (const [word, stemmed] of Object.entries(expected)) assert.equal(stem(word), stemmed, word);
  });

  it('should drop stop words and accents while tokenizing', () => {
    assert.deepEqual(tokenize('The Cafés of Paris, and their running waiters!'), [
      'cafe',
      'pari',
      'run',
      'waiter',
    ]);
  });
});

describe('TextIndex', () => {
  const corpus = () => {
    const index = new TextIndex();
    index.add('sourdough', {
      title: 'Baking sourdough bread',
      body: 'A starter, flour, water and patience make the bread rise.',
      tags: ['baking', 'bread'],
    });
    index.add('baguette', {
      title: 'The perfect baguette',
      body: 'French bread baked with flour, water, salt and yeast.',
      tags: ['bread'],
    });
    index.add('rust', {
      title: 'Ownership in Rust',
      body: 'The borrow checker enforces ownership rules at compile time.',
      tags: ['programming'],
    });
    index.add('go', {
      title: 'Goroutines explained',
      body: 'Concurrency in Go with goroutines and channels; programming made simple.',
      tags: ['programming'],
    });
    return index;
  };

  it('should rank the document on the same topic first', () => {
    const results = corpus().similar('sourdough', 3);
    assert.equal(results[0]!.id, 'baguette');
    assert.ok(results.every((r) => r.id !== 'sourdough'));
    assert.ok(results[0]!.score > (results[1]?.score ?? 0));
  });

  it('should score a profile, exclude it and say which document each result is due to', () => {
    const index = corpus();
    const results = index.similarToSet(
      new Map([
        ['rust', 2],
        ['sourdough', 1],
      ]),
      2,
      new Set(),
    );
    assert.deepEqual(results.map((r) => [r.id, r.because]).sort(), [
      ['baguette', 'sourdough'],
      ['go', 'rust'],
    ]);
  });

  it('should compare two documents by cosine, symmetric, 0 for unknown ones', () => {
    const similarity = corpus().similarityFunction();
    const self = similarity('sourdough', 'sourdough');
    assert.ok(Math.abs(self - 1) < 1e-9, `a document is its own cosine 1, not ${self}`);
    const close = similarity('sourdough', 'baguette');
    const far = similarity('sourdough', 'rust');
    assert.ok(close > far, `${close} > ${far}`);
    assert.equal(similarity('baguette', 'sourdough'), close);
    assert.equal(similarity('sourdough', 'missing'), 0);
    // The top result of similar() agrees with the pairwise cosine.
    const [top] = corpus().similar('sourdough', 1);
    assert.ok(Math.abs(top!.score - similarity('sourdough', top!.id)) < 1e-9);
  });

  it('should take a new document at once, forget a removed one and survive JSON', () => {
    const index = corpus();
    index.add('ciabatta', {
      title: 'Ciabatta bread',
      body: 'Flour, water, yeast.',
      tags: ['bread'],
    });
    assert.ok(index.similar('baguette', 2).some((r) => r.id === 'ciabatta'));
    index.remove('sourdough');
    assert.ok(index.similar('baguette', 5).every((r) => r.id !== 'sourdough'));
    const copy = TextIndex.fromJSON(JSON.parse(JSON.stringify(index)));
    assert.deepEqual(copy.similar('go', 3), index.similar('go', 3));
  });
});
