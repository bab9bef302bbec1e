import { badInput } from '../../errors.js';
import type { DbKind, Em } from '../../infra/db.js';

/**
 * Full-text search over title, tags and body of published content, best match first.
 * PostgreSQL: a generated tsvector column (weights A/B/C) with a GIN index. SQLite: an FTS5
 * table kept in sync by triggers. Both stem English words, drop the same stop words from the
 * query, and match documents that contain every remaining word. Both rank alike: by how many
 * query words the title holds, then the tags, and only then by the engine's score
 * (ts_rank_cd, bm25), so a body that repeats a word never outranks a title or tag match.
 */
export interface ContentSearch {
  search(
    em: Em,
    query: string,
    limit: number,
    offset: number,
  ): Promise<{ ids: string[]; total: number }>;
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
  total: number | string;
}

function result(rows: Row[]) {
  return { ids: rows.map((r) => r.id), total: rows.length ? Number(rows[0]!.total) : 0 };
}

/** `n` copies of an SQL expression joined by ` + `: one per query word. */
const sum = (expression: string, n: number) =>
  Array.from({ length: n }, () => expression).join(' + ');

const postgres: ContentSearch = {
  async search(em, query, limit, offset) {
    const terms = searchTerms(query);
    const tsquery = terms.join(' & ');
    if (limit === 0) {
      const [row] = await em.execute<Row[]>(
        `select '' as id, count(*) as total from contents c
          where c.status = 'PUBLISHED' and c.search_vector @@ to_tsquery('english', ?)`,
        [tsquery],
      );
      return { ids: [], total: Number(row?.total ?? 0) };
    }
    // `word:A` matches the word in the title only, `word:B` in the tags only.
    const inField = sum(`(c.search_vector @@ to_tsquery('english', ?))::int`, terms.length);
    return result(
      await em.execute<Row[]>(
        `select c.id, count(*) over () as total
           from contents c, to_tsquery('english', ?) q
          where c.status = 'PUBLISHED' and c.search_vector @@ q
          order by ${inField} desc, ${inField} desc, ts_rank_cd(c.search_vector, q) desc, c.id asc
          limit ? offset ?`,
        [tsquery, ...terms.map((t) => `${t}:A`), ...terms.map((t) => `${t}:B`), limit, offset],
      ),
    );
  },
};

const sqlite: ContentSearch = {
  async search(em, query, limit, offset) {
    const terms = searchTerms(query);
    const match = terms.map((t) => `"${t}"`).join(' AND ');
    if (limit === 0) {
      const [row] = await em.execute<Row[]>(
        `select '' as id, count(*) as total from content_fts f join contents c on c.id = f.content_id
          where content_fts match ? and c.status = 'PUBLISHED'`,
        [match],
      );
      return { ids: [], total: Number(row?.total ?? 0) };
    }
    // bm25() only works in the query that runs the MATCH, so the matches are ranked in a
    // materialized CTE before the join and the window count. Each `IN` subquery is run once.
    const inField = sum(
      `(f.rowid in (select rowid from content_fts where content_fts match ?))`,
      terms.length,
    );
    return result(
      await em.execute<Row[]>(
        `with hits as materialized (
           select f.content_id as id,
                  ${inField} as title_hits,
                  ${inField} as tag_hits,
                  bm25(content_fts, 0.0, 10.0, 5.0, 1.0) as score
             from content_fts f
            where content_fts match ?
         )
         select h.id, count(*) over () as total
           from hits h join contents c on c.id = h.id
          where c.status = 'PUBLISHED'
          order by h.title_hits desc, h.tag_hits desc, h.score asc, h.id asc
          limit ? offset ?`,
        [
          ...terms.map((t) => `title : "${t}"`),
          ...terms.map((t) => `tags : "${t}"`),
          match,
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
