import { badInput, notFound } from '../../errors.js';
import type { Em } from '../../infra/db.js';
import { userActor } from '../../infra/activity.js';
import type { Actor } from '../accounts/index.js';
import type { Content, ContentCatalog, ContentService } from '../content/index.js';
import { MetricWindow, type MetricsReader } from '../metrics/index.js';
import { recommendForHistory } from './model/index.js';
import { CandidatePool, type Candidate, type Vote } from './recs.candidates.js';
import { DEFAULT_BLEND, type Blend } from './recs.blend.js';
import { diversify } from './recs.diversity.js';
import { explain } from './recs.explain.js';
import type { ModelStore } from './recs.model-store.js';
import type { TextStore } from './recs.text-store.js';
import { RecommendationReason as R, type Recommendation } from './recs.types.js';
import { decayed } from './recs.weights.js';

export const MAX_RECOMMENDATIONS = 100;
/** Trending and fresh lists are shared by all viewers for this long. */
const SHARED_TTL_MS = 1000;
/** The authors whose newest content is considered: those the viewer engaged with most. */
const MAX_AUTHORS = 10;
/** The history items that shape a profile: the viewer's strongest recent engagement. */
const PROFILE_ITEMS = 50;

interface Shared {
  /** When the newest computation started. */
  at: number;
  value: Vote[] | null;
  pending: Promise<Vote[]> | null;
}

interface History {
  weights: Map<string, number>;
  kinds: Map<string, number>;
}

/**
 * Serving. Personal recommendations blend item-based collaborative filtering (the
 * persisted model), content similarity (TF-IDF profile of the viewer's history), the
 * viewer's authors, and trending and fresh content; then filter (never the viewer's
 * own, nothing they engaged with, only published) and re-rank for diversity. The
 * history is read per request, so a like or a watch changes the next answer at once.
 */
export class RecommendationService {
  /** The blend served; `npm run eval:recs -- --api --tune` tries others on a running server. */
  blend: Readonly<Blend> = DEFAULT_BLEND;

  constructor(
    private readonly models: ModelStore,
    private readonly text: TextStore,
    private readonly metrics: MetricsReader,
    private readonly content: ContentService,
    private readonly catalog: ContentCatalog,
  ) {}

  async recommended(actor: Actor, first: number): Promise<Recommendation[]> {
    checkFirst(first);
    const em = actor.em;
    const viewerId = actor.viewer?.id ?? null;
    const history = viewerId ? await this.history(em, userActor(viewerId)) : emptyHistory();
    const pool = new CandidatePool();
    const blend = this.blend;
    const size = first * 3 + 30;
    const personal = history.weights.size > 0;
    if (personal) {
      const profile = new Map(
        [...history.weights].sort((a, b) => b[1] - a[1]).slice(0, PROFILE_ITEMS),
      );
      pool.add(R.COLLABORATIVE, blend.cf, this.collaborative(history.weights, size));
      pool.add(
        R.SIMILAR_CONTENT,
        blend.similar,
        this.text.index.similarToSet(profile, size, new Set(history.weights.keys())),
      );
      pool.add(R.FROM_AUTHOR, blend.author, await this.fromAuthors(em, profile, size));
    }
    pool.add(R.TRENDING, personal ? blend.trending : 1, await this.trending(em, size));
    pool.add(R.FRESH, personal ? blend.fresh : 0.6, await this.fresh(em, size));

    // Screen the best few with plain rows (status and author), more only if filtering left
    // too few; entities are loaded for the chosen ones alone. Hydrating every candidate as
    // an entity cost most of a request.
    const ranked = pool.best(Infinity, (id) => !history.weights.has(id));
    const candidates: (Candidate & { authorId: string })[] = [];
    for (let from = 0; from < ranked.length && candidates.length < first * 3;) {
      const batch = ranked.slice(from, (from += first * 4));
      const authors = await this.catalog.publishedAuthors(
        em,
        batch.map((c) => c.id),
      );
      for (const c of batch) {
        const authorId = authors.get(c.id);
        if (authorId !== undefined && authorId !== viewerId) candidates.push({ ...c, authorId });
      }
    }
    const chosen = diversify(
      candidates.slice(0, first * 3),
      first,
      this.text.index.similarityFunction(),
      blend,
    );
    const contents = await this.catalog.published(
      em,
      chosen.flatMap((c) => (c.because ? [c.id, c.because] : [c.id])),
    );
    // Unpublished between the screening and now: left out rather than shown.
    return chosen.flatMap((c) => {
      const content = contents.get(c.id);
      if (!content) return [];
      const source = c.because ? (contents.get(c.because) ?? null) : null;
      return {
        content,
        score: Math.round(c.score * 1e4) / 1e4,
        reason: c.reason,
        explanation: explain(
          c.reason,
          source && { title: source.title, kinds: history.kinds.get(source.id) ?? 0 },
          content.author.getEntity().handle,
        ),
        becauseOf: source,
      };
    });
  }

  /** Published content most like `contentId`: words and tags first, co-engagement second. */
  async similar(actor: Actor, contentId: string, first: number): Promise<Content[]> {
    checkFirst(first);
    const content = await this.content.find(actor, contentId);
    if (!content) throw notFound('Content');
    const pool = new CandidatePool();
    pool.add(
      R.SIMILAR_CONTENT,
      1,
      this.text.index.similar(content.id, first * 2 + 10).map((s) => ({ ...s, because: null })),
    );
    pool.add(R.COLLABORATIVE, 0.5, this.collaborative(new Map([[content.id, 1]]), first * 2 + 10));
    const contents = await this.catalog.published(actor.em, pool.ids());
    return pool
      .best(first, (id) => id !== content.id && contents.has(id))
      .map((c) => contents.get(c.id)!);
  }

  private async history(em: Em, viewerKey: string): Promise<History> {
    const rows = await em
      .getConnection()
      .execute<{ content_id: string; score: number; kinds: number }[]>(
        'select content_id, score, kinds from rec_engagements where viewer_key = ?',
        [viewerKey],
      );
    const now = Date.now();
    const history = emptyHistory();
    for (const r of rows) {
      // Every engaged content is excluded, even after an unlike: the viewer has seen it.
      history.weights.set(r.content_id, Math.max(decayed(Number(r.score), now), 1e-6));
      history.kinds.set(r.content_id, Number(r.kinds));
    }
    return history;
  }

  private collaborative(history: Map<string, number>, limit: number): Vote[] {
    const m = this.models.current;
    if (!m) return [];
    const known = new Map<number, number>();
    for (const [id, w] of history) {
      const i = m.index.get(id);
      if (i !== undefined) known.set(i, w);
    }
    if (!known.size) return [];
    // History items are never returned: nothing else to exclude.
    return recommendForHistory(m.model, known, NONE, limit).map((r) => ({
      id: m.items[r.item]!,
      score: r.score,
      because: r.because === null ? null : m.items[r.because]!,
    }));
  }

  /**
   * Newest content of the authors behind the viewer's profile, from the text store's author
   * index; the database only for the authors of content that index has not seen (e.g.
   * archived before this process started). Only candidates: screened for status later.
   */
  private async fromAuthors(em: Em, profile: Map<string, number>, limit: number): Promise<Vote[]> {
    const index = this.text.authors;
    const authorOf: { id: string; authorId: string }[] = [];
    const unknown: string[] = [];
    for (const id of profile.keys()) {
      const author = index.author(id);
      if (author) authorOf.push({ id, authorId: author });
      else unknown.push(id);
    }
    authorOf.push(...(await this.catalog.authors(em, unknown)));
    const byAuthor = new Map<string, { weight: number; because: string; top: number }>();
    for (const { id, authorId: author } of authorOf) {
      const w = profile.get(id)!;
      const a = byAuthor.get(author);
      if (!a) byAuthor.set(author, { weight: w, because: id, top: w });
      else {
        a.weight += w;
        if (w > a.top) Object.assign(a, { because: id, top: w });
      }
    }
    const authors = [...byAuthor.keys()]
      .sort((a, b) => byAuthor.get(b)!.weight - byAuthor.get(a)!.weight)
      .slice(0, MAX_AUTHORS);
    const perAuthor = Math.ceil(limit / Math.max(1, authors.length));
    return authors.flatMap((author) => {
      const a = byAuthor.get(author)!;
      return index
        .newest(author, perAuthor, (id) => profile.has(id))
        .map((id, rank) => ({
          id,
          score: a.weight / (1 + rank / 10),
          because: a.because,
        }));
    });
  }

  private readonly shared = new Map<string, Shared>();

  /**
   * Lists that are the same for every viewer, computed at most once per second per process.
   * Once a list exists, requests never wait for it: an expired one is served while its
   * successor is computed (so no request pays for the recomputation).
   */
  private once(key: string, compute: () => Promise<Vote[]>): Promise<Vote[]> {
    let entry = this.shared.get(key);
    if (!entry) this.shared.set(key, (entry = { at: 0, value: null, pending: null }));
    const e = entry;
    if (!e.pending && Date.now() - e.at >= SHARED_TTL_MS) {
      e.at = Date.now();
      const pending = compute();
      e.pending = pending;
      pending.then(
        (value) => Object.assign(e, { value, pending: null }),
        // Failed: the next request tries again (and one with no list yet sees the error).
        () => Object.assign(e, { at: 0, pending: null }),
      );
    }
    return e.value ? Promise.resolve(e.value) : e.pending!;
  }

  private trending(em: Em, limit: number): Promise<Vote[]> {
    return this.once(`trending:${limit}`, () => this.trendingNow(em.fork(), limit));
  }

  private fresh(em: Em, limit: number): Promise<Vote[]> {
    return this.once(`fresh:${limit}`, () => this.freshNow(em, limit));
  }

  private async trendingNow(em: Em, limit: number): Promise<Vote[]> {
    const items = await this.metrics.trending(em, MetricWindow.LAST_24_HOURS, Math.min(limit, 100));
    return items.map((t) => ({ id: t.content.id, score: t.score, because: null }));
  }

  private async freshNow(em: Em, limit: number): Promise<Vote[]> {
    const recent = await this.catalog.newest(em.fork(), limit);
    return recent.map((id, rank) => ({ id, score: 1 / (1 + rank / 5), because: null }));
  }
}

const emptyHistory = (): History => ({ weights: new Map(), kinds: new Map() });

const NONE: ReadonlySet<number> = new Set();

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_RECOMMENDATIONS) {
    throw badInput('first', `must be between 1 and ${MAX_RECOMMENDATIONS}`);
  }
}
