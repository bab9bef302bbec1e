import { stem } from './porter-stemmer.js';
import { STOP_WORDS } from './stop-words.js';

/**
 * Lower-cases, strips accents, splits on anything that is not a letter or digit, drops stop
 * words and one-letter tokens, and stems what is left. Non-ASCII words are kept unstemmed.
 */
export function tokenize(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
  const tokens: string[] = [];
  for (const word of words) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    let stemmed = stems.get(word);
    if (stemmed === undefined) {
      if (stems.size >= MAX_CACHED_STEMS) stems.clear();
      stems.set(word, (stemmed = stem(word)));
    }
    tokens.push(stemmed);
  }
  return tokens;
}

// Stemming dominates indexing, and a corpus reuses a bounded vocabulary: memoise it.
const MAX_CACHED_STEMS = 100_000;
const stems = new Map<string, string>();
