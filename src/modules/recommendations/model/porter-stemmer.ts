/**
 * The Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980), the original
 * algorithm: "connection", "connected" and "connecting" all become "connect". Expects one
 * lower-case word of ASCII letters; words of two letters or fewer are returned as is.
 */
export function stem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  let w = step1a(word);
  w = step1b(w);
  w = step1c(w);
  w = replaceFirst(w, STEP2, (s) => measure(s) > 0);
  w = replaceFirst(w, STEP3, (s) => measure(s) > 0);
  w = step4(w);
  return step5(w);
}

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

function consonant(w: string, i: number): boolean {
  const c = w[i]!;
  if (VOWELS.has(c)) return false;
  // "y" is a vowel after a consonant ("happy"), a consonant otherwise ("yes", "toy").
  return c !== 'y' || i === 0 || !consonant(w, i - 1);
}

/** m in [C](VC)^m[V]: the number of vowel-consonant sequences. */
function measure(stem: string): number {
  let m = 0;
  let previousVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const vowel = !consonant(stem, i);
    if (previousVowel && !vowel) m++;
    previousVowel = vowel;
  }
  return m;
}

const hasVowel = (s: string) => [...s].some((_, i) => !consonant(s, i));

const doubleConsonant = (s: string) =>
  s.length >= 2 && s[s.length - 1] === s[s.length - 2] && consonant(s, s.length - 1);

/** *o: ends consonant-vowel-consonant, the last not w, x or y ("hop", not "snow"). */
function cvc(s: string): boolean {
  const n = s.length;
  if (n < 3 || !consonant(s, n - 1) || consonant(s, n - 2) || !consonant(s, n - 3)) return false;
  return !'wxy'.includes(s[n - 1]!);
}

function step1a(w: string): string {
  if (w.endsWith('sses') || w.endsWith('ies')) return w.slice(0, -2);
  if (w.endsWith('ss')) return w;
  return w.endsWith('s') ? w.slice(0, -1) : w;
}

function step1b(w: string): string {
  if (w.endsWith('eed')) return measure(w.slice(0, -3)) > 0 ? w.slice(0, -1) : w;
  const suffix = w.endsWith('ed') ? 2 : w.endsWith('ing') ? 3 : 0;
  if (!suffix || !hasVowel(w.slice(0, -suffix))) return w;
  const s = w.slice(0, -suffix);
  if (s.endsWith('at') || s.endsWith('bl') || s.endsWith('iz')) return s + 'e';
  if (doubleConsonant(s) && !'lsz'.includes(s[s.length - 1]!)) return s.slice(0, -1);
  if (measure(s) === 1 && cvc(s)) return s + 'e';
  return s;
}

function step1c(w: string): string {
  return w.endsWith('y') && hasVowel(w.slice(0, -1)) ? w.slice(0, -1) + 'i' : w;
}

type Rule = [suffix: string, replacement: string];

// prettier-ignore
const STEP2: Rule[] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'],
  ['abli', 'able'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'],
  ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'],
  ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'],
];

// prettier-ignore
const STEP3: Rule[] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''],
  ['ness', ''],
];

// prettier-ignore
const STEP4 = [
  'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou',
  'ism', 'ate', 'iti', 'ous', 'ive', 'ize',
].sort((a, b) => b.length - a.length);

/** Only the longest matching suffix is considered; if its condition fails, nothing changes. */
function replaceFirst(w: string, rules: Rule[], condition: (stem: string) => boolean): string {
  let best: Rule | undefined;
  for (const rule of rules) {
    if (w.endsWith(rule[0]) && (!best || rule[0].length > best[0].length)) best = rule;
  }
  if (!best) return w;
  const s = w.slice(0, w.length - best[0].length);
  return condition(s) ? s + best[1] : w;
}

function step4(w: string): string {
  const suffix = STEP4.find((x) => w.endsWith(x));
  if (!suffix) return w;
  const s = w.slice(0, -suffix.length);
  if (measure(s) <= 1) return w;
  if (suffix === 'ion' && !(s.endsWith('s') || s.endsWith('t'))) return w;
  return s;
}

function step5(w: string): string {
  if (w.endsWith('e')) {
    const s = w.slice(0, -1);
    const m = measure(s);
    if (m > 1 || (m === 1 && !cvc(s))) w = s;
  }
  if (measure(w) > 1 && doubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1);
  return w;
}
