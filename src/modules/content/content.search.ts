import { badInput } from '../../errors.js';
import type { DbKind, Em } from '../../infra/db.js';
import { Visibility, type AccessGrants } from './content.access.js';

/**
 * Full-text search over title, tags and body of published content, best match first.
 * PostgreSQL: generated tsvector columns (weights A/B/C) with GIN indexes. SQLite: an FTS5
 * table kept in sync by triggers. Both stem English words, drop the same stop words from the
 * query, and match documents that contain every remaining word. Both rank by how many
 * query words the title holds, then the tags, and only then by the engine's score
 * (ts_rank_cd, bm25), so a body that repeats a word never outranks a title or tag match.
 *
 * A gated content (not PUBLIC) matches on its title, tags and preview for everyone, and on
 * its whole body only for viewers whose `grants` may read it (`readableSql`); nothing a
 * viewer may not read takes part in matching, counting or ranking what they get.
 * PostgreSQL ranks a reader's match on the whole body (ts_rank_cd reads only the row it
 * ranks). SQLite's bm25 weighs each word by how many rows hold it, hidden text of others
 * included, so it scores only the open text; a content a reader finds through its hidden
 * text alone comes after those with as many title and tag hits. (bm25 still divides by a
 * row's whole length: a hidden body's length, never its words, moves a gated row.)
 */
export interface ContentSearch {
  search(
    em: Em,
    query: string,
    grants: AccessGrants,
    limit: number,
    offset: number,
  ): Promise<{ hits: SearchHit[]; total: number }>;
}

export interface SearchHit {
  id: string;
  /** Matched on what everyone may read; false when only through the hidden text. */
  open: boolean;
}

const MAX_TERMS = 20;
const MAX_QUERY_LENGTH = 500;

// PostgreSQL's english stop words, so both databases ignore the same query words.
const STOP_WORDS = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
  she her hers herself it its itself they them their theirs themselves what which who whom this
  that these those am is are was were be been being have has had having do does did doing a an
  the and but if or because as until while of at by for with about against between into through
  during before after above below to from up down in out on off over under again further then
  once here there when where why how all any both each few more most other some such no nor not
  only own same so than too very s t can will just don should now`.split(/\s+/),
);

/** The query's words, lower-cased, without stop words; BAD_USER_INPUT when none are left. */
export function searchTerms(query: string): string[] {
  if (query.length > MAX_QUERY_LENGTH) {
    throw badInput('query', `must be at most ${MAX_QUERY_LENGTH} characters`);
  }
  const words = (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => !STOP_WORDS.has(w),
  );
  const terms = [...new Set(words)].slice(0, MAX_TERMS);
  if (!terms.length) throw badInput('query', 'must contain at least one word to search for');
  return terms;
}

interface Row {
  id: string;
  is_open: boolean | number;
  total: number | string;
}

function result(rows: Row[]) {
  return {
    hits: rows.map((r) => ({ id: r.id, open: !!r.is_open })),
    total: rows.length ? Number(rows[0]!.total) : 0,
  };
}

/** `n` copies of an SQL expression joined by ` + `: one per query word. */
const sum = (expression: string, n: number) =>
  Array.from({ length: n }, () => expression).join(' + ');
const marks = (values: unknown[]) => values.map(() => '?').join(', ');

/**
 * `canReadBody` (memberships' policy) in SQL over `contents c`: whether the viewer holding
 * `grants` may read a row's whole body. It may only ever be narrower than the rule; the
 * reader checks every row found through hidden text against the rule itself.
 */
export function readableSql(grants: AccessGrants, kind: DbKind) {
  const either = [`c.visibility = '${Visibility.PUBLIC}'`];
  const params: string[] = [];
  if (grants.viewerId) {
    if (grants.all) return { sql: '1 = 1', params };
    either.push('c.author_id = ?', `c.visibility = '${Visibility.SIGNED_IN}'`);
    params.push(grants.viewerId);
    const creators = [...grants.creatorIds];
    if (creators.length) {
      either.push(
        `(c.visibility = '${Visibility.MEMBERS}' and c.author_id in (${marks(creators)}))`,
      );
      params.push(...creators);
    }
    const tiers = [...grants.tierIds];
    if (tiers.length) {
      // jsonb_exists_any is the `?|` operator: knex would take its `?` for a placeholder.
      either.push(
        kind === 'postgresql'
          ? `(c.visibility = '${Visibility.TIERS}' and jsonb_exists_any(c.tier_ids, array[${marks(tiers)}]))`
          : `(c.visibility = '${Visibility.TIERS}' and exists (
               select 1 from json_each(c.tier_ids) t where t.value in (${marks(tiers)})))`,
      );
      params.push(...tiers);
    }
  }
  return { sql: `(${either.join(' or ')})`, params };
}

const postgres: ContentSearch = {
  async search(em, query, grants, limit, offset) {
    const terms = searchTerms(query);
    const tsquery = terms.join(' & ');
    const readable = readableSql(grants, 'postgresql');
    // `search_vector` is what everyone may read; `body_vector` (gated rows only) the rest.
    const matches = `(c.search_vector @@ q or (c.body_vector @@ q and ${readable.sql}))`;
    if (limit === 0) {
      const [row] = await em.execute<Row[]>(
        `select count(*) as total from contents c, to_tsquery('english', ?) q
          where c.status = 'PUBLISHED' and ${matches}`,
        [tsquery, ...readable.params],
      );
      return { hits: [], total: Number(row?.total ?? 0) };
    }
    // `word:A` matches the word in the title only, `word:B` in the tags only: both vectors
    // hold the same title and tags.
    const inField = sum(`(c.search_vector @@ to_tsquery('english', ?))::int`, terms.length);
    const ranked = `coalesce(case when ${readable.sql} then c.body_vector end, c.search_vector)`;
    return result(
      await em.execute<Row[]>(
        `select c.id, c.search_vector @@ q as is_open, count(*) over () as total
           from contents c, to_tsquery('english', ?) q
          where c.status = 'PUBLISHED' and ${matches}
          order by ${inField} desc, ${inField} desc, ts_rank_cd(${ranked}, q) desc, c.id asc
          limit ? offset ?`,
        [
          tsquery,
          ...readable.params,
          ...terms.map((t) => `${t}:A`),
          ...terms.map((t) => `${t}:B`),
          ...readable.params,
          limit,
          offset,
        ],
      ),
    );
  },
};

const sqlite: ContentSearch = {
  async search(em, query, grants, limit, offset) {
    const terms = searchTerms(query);
    // Every word anywhere, hidden text included; `open`: every word in what anyone may read.
    const match = terms.map((t) => `"${t}"`).join(' AND ');
    const open = `{title tags body} : (${match})`;
    const readable = readableSql(grants, 'sqlite');
    if (limit === 0) {
      const [row] = await em.execute<Row[]>(
        `select count(*) as total from content_fts f join contents c on c.id = f.content_id
          where content_fts match ? and c.status = 'PUBLISHED'
            and (f.rowid in (select rowid from content_fts where content_fts match ?) or ${readable.sql})`,
        [match, open, ...readable.params],
      );
      return { hits: [], total: Number(row?.total ?? 0) };
    }
    // bm25() only works in the query that runs the MATCH, so the matches are ranked in
    // materialized CTEs before the join and the window count. Each `IN` subquery is run
    // once. The score comes from the open match alone: bm25 weighs words by the rows that
    // hold them in the columns matched, and hidden text must not weigh.
    const inField = sum(
      `(f.rowid in (select rowid from content_fts where content_fts match ?))`,
      terms.length,
    );
    return result(
      await em.execute<Row[]>(
        `with open_hits as materialized (
           select rowid as rid, bm25(content_fts, 0.0, 10.0, 5.0, 1.0, 0.0) as score
             from content_fts
            where content_fts match ?
         ), hits as materialized (
           select f.content_id as id, f.rowid as rid,
                  ${inField} as title_hits,
                  ${inField} as tag_hits
             from content_fts f
            where content_fts match ?
         )
         select h.id, o.rid is not null as is_open, count(*) over () as total
           from hits h join contents c on c.id = h.id left join open_hits o on o.rid = h.rid
          where c.status = 'PUBLISHED' and (o.rid is not null or ${readable.sql})
          order by h.title_hits desc, h.tag_hits desc, o.score is null, o.score asc, h.id asc
          limit ? offset ?`,
        [
          open,
          ...terms.map((t) => `title : "${t}"`),
          ...terms.map((t) => `tags : "${t}"`),
          match,
          ...readable.params,
          limit,
          offset,
        ],
      ),
    );
  },
};

export function contentSearch(kind: DbKind): ContentSearch {
  return kind === 'postgresql' ? postgres : sqlite;
}
