import { topK } from './top-k.js';
import { tokenize } from './tokenize.js';

/** What the index reads from a content. */
export interface TextDocument {
  title: string;
  body: string;
  tags: string[];
}

export interface SimilarDocument {
  id: string;
  score: number;
}

/** Persisted form: term frequencies only; document frequencies are rebuilt on load. */
export interface TextIndexJson {
  version: 1;
  docs: [id: string, terms: [term: string, tf: number][]][];
}

/** A title or tag word counts as much as this many body words. */
const TITLE_WEIGHT = 3;
const TAG_WEIGHT = 3;
/** Longer bodies are truncated: past this, more text changes the topic vector little. */
const MAX_BODY_TOKENS = 5000;
/** Queries use only their strongest terms ("more like this"): cost stays bounded. */
const QUERY_TERMS = 40;
/** A profile uses at most this many documents, the heaviest. */
const PROFILE_DOCS = 50;

/**
 * TF-IDF text similarity over title, body and tags (stemmed, stop words removed): weight
 * (1 + ln tf) · idf with tf counted with field weights and a BM25-style idf, cosine
 * similarity. Documents can be added, replaced and removed one at a time; idf is read at
 * query time, and a document's norm is refreshed lazily once the collection has changed by
 * more than 1% since it was computed.
 *
 * Cost: `add` O(document length); `similar` and `similarToSet` walk the postings of at most
 * 40 query terms, each in at most a quarter of the documents, plus O(k · profile) for
 * `because` (about 1 ms over 10 000 documents). Memory: one posting per distinct term per
 * document. One instance per process, loaded with {@link TextIndex.fromJSON} or rebuilt
 * from the contents at start; the first queries after a bulk load pay for the norms
 * (about 0.3 s in all for 10 000 documents).
 */
export class TextIndex {
  // Documents live in numbered slots so that ranking accumulates into a typed array.
  private readonly slotOf = new Map<string, number>();
  private readonly ids: (string | undefined)[] = [];
  private readonly terms: (Map<string, number> | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly postings = new Map<string, Map<number, number>>();
  private norms = new Float64Array(0);
  private normsAt = new Float64Array(0);
  private scores = new Float64Array(0);
  private changes = 0;

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Adds a document, or replaces the one with the same id. */
  add(id: string, doc: TextDocument): void {
    const terms = new Map<string, number>();
    const count = (tokens: string[], weight: number) => {
      for (const t of tokens) terms.set(t, (terms.get(t) ?? 0) + weight);
    };
    count(tokenize(doc.title), TITLE_WEIGHT);
    count(tokenize(doc.tags.join(' ')), TAG_WEIGHT);
    count(tokenize(doc.body).slice(0, MAX_BODY_TOKENS), 1);
    this.setTerms(id, terms);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    for (const term of this.terms[slot]!.keys()) {
      const posting = this.postings.get(term)!;
      posting.delete(slot);
      if (posting.size === 0) this.postings.delete(term);
    }
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.terms[slot] = undefined;
    this.freeSlots.push(slot);
    this.changes++;
  }

  /** The `k` documents most similar to `id` (itself excluded); [] for an unknown id. */
  similar(id: string, k: number, exclude: ReadonlySet<string> = new Set()): SimilarDocument[] {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return [];
    return this.rank(this.unitVector(slot), k, (d) => d !== id && !exclude.has(d));
  }

  /**
   * The `k` documents most similar to a weighted set (a user profile: id → weight, e.g.
   * engagement), none of the set or `exclude`; `because` is the profile document that
   * contributes most to each result (weight × cosine). Unknown ids in the set are ignored.
   */
  similarToSet(
    ids: ReadonlyMap<string, number>,
    k: number,
    exclude: ReadonlySet<string> = new Set(),
  ): (SimilarDocument & { because: string | null })[] {
    const profile = [...ids]
      .filter(([id, w]) => w > 0 && this.slotOf.has(id))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, PROFILE_DOCS);
    const query = new Map<string, number>();
    // Which profile documents hold each term, with weight × unit value: finding each
    // result's `because` then walks the result's terms once instead of a cosine per
    // profile document (90 results × 50 profile documents was most of a request).
    const holders = new Map<string, { at: number; value: number }[]>();
    profile.forEach(([id, w], at) => {
      for (const [t, v] of this.unitVector(this.slotOf.get(id)!)) {
        query.set(t, (query.get(t) ?? 0) + w * v);
        let list = holders.get(t);
        if (!list) holders.set(t, (list = []));
        list.push({ at, value: w * v });
      }
    });
    const results = this.rank(query, k, (d) => !ids.has(d) && !exclude.has(d));
    const contribution = new Float64Array(profile.length);
    return results.map((r) => {
      contribution.fill(0);
      for (const [t, v] of this.unitVector(this.slotOf.get(r.id)!)) {
        for (const h of holders.get(t) ?? []) contribution[h.at] += h.value * v;
      }
      let because: string | null = null;
      let best = 0;
      contribution.forEach((c, at) => {
        if (c > best) [best, because] = [c, profile[at]![0]];
      });
      return { ...r, because };
    });
  }

  /**
   * Cosine similarity of two indexed documents (0 when either is unknown), as a function
   * that remembers the unit vectors it computed: for diversity re-ranking, which compares
   * the same few dozen documents many times within one request. Use one per request.
   */
  similarityFunction(): (a: string, b: string) => number {
    const units = new Map<string, Map<string, number> | null>();
    const unit = (id: string) => {
      let u = units.get(id);
      if (u === undefined) {
        const slot = this.slotOf.get(id);
        units.set(id, (u = slot === undefined ? null : this.unitVector(slot)));
      }
      return u;
    };
    return (a, b) => {
      const ua = unit(a);
      const ub = unit(b);
      return ua && ub ? dot(ua, ub) : 0;
    };
  }

  toJSON(): TextIndexJson {
    const docs: TextIndexJson['docs'] = [];
    for (const [id, slot] of this.slotOf) docs.push([id, [...this.terms[slot]!]]);
    return { version: 1, docs };
  }

  static fromJSON(json: TextIndexJson): TextIndex {
    if (json.version !== 1) throw new Error(`unknown TextIndex version ${String(json.version)}`);
    const index = new TextIndex();
    for (const [id, terms] of json.docs) index.setTerms(id, new Map(terms));
    return index;
  }

  private setTerms(id: string, terms: Map<string, number>): void {
    this.remove(id);
    const slot = this.freeSlots.pop() ?? this.ids.length;
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.terms[slot] = terms;
    if (slot >= this.norms.length) this.grow(Math.max(64, 2 * this.norms.length));
    this.normsAt[slot] = -Infinity;
    for (const [term, tf] of terms) {
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = new Map()));
      posting.set(slot, tf);
    }
    this.changes++;
  }

  private grow(capacity: number): void {
    const norms = new Float64Array(capacity);
    const normsAt = new Float64Array(capacity).fill(-Infinity);
    norms.set(this.norms);
    normsAt.set(this.normsAt);
    this.norms = norms;
    this.normsAt = normsAt;
    this.scores = new Float64Array(capacity);
  }

  private idf(term: string): number {
    const df = this.postings.get(term)?.size ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  private norm(slot: number): number {
    if (this.changes - this.normsAt[slot]! <= Math.max(1, this.size / 100))
      return this.norms[slot]!;
    let s = 0;
    for (const [t, tf] of this.terms[slot]!) s += ((1 + Math.log(tf)) * this.idf(t)) ** 2;
    this.norms[slot] = Math.sqrt(s) || 1;
    this.normsAt[slot] = this.changes;
    return this.norms[slot]!;
  }

  private unitVector(slot: number): Map<string, number> {
    const norm = this.norm(slot);
    const unit = new Map<string, number>();
    for (const [t, tf] of this.terms[slot]!) unit.set(t, ((1 + Math.log(tf)) * this.idf(t)) / norm);
    return unit;
  }

  /**
   * Cosine of every document sharing one of the query's strongest terms, best `k`. Terms in
   * more than a quarter of the documents are too common to find neighbours by (they still
   * count in the norms), and skipping them keeps a query off most of the postings.
   */
  private rank(
    query: Map<string, number>,
    k: number,
    accept: (id: string) => boolean,
  ): SimilarDocument[] {
    let queryNorm = 0;
    for (const v of query.values()) queryNorm += v * v;
    queryNorm = Math.sqrt(queryNorm) || 1;
    const common = Math.max(10, this.size / 4);
    const strongest = [...query]
      .filter(([t]) => (this.postings.get(t)?.size ?? 0) <= common)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, QUERY_TERMS);
    const scores = this.scores;
    const touched: number[] = [];
    for (const [term, q] of strongest) {
      const weight = q * this.idf(term);
      for (const [slot, tf] of this.postings.get(term) ?? []) {
        if (scores[slot] === 0) touched.push(slot);
        scores[slot] += weight * (1 + Math.log(tf));
      }
    }
    for (const slot of touched) scores[slot] = scores[slot]! / queryNorm / this.norm(slot);
    const best = topK(touched, touched.length, scores, k, (slot) => accept(this.ids[slot]!));
    const results = best.map((slot) => ({ id: this.ids[slot]!, score: scores[slot]! }));
    for (const slot of touched) scores[slot] = 0;
    return results;
  }
}

function dot(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, v] of small) s += v * (large.get(t) ?? 0);
  return s;
}
