import { badInput } from '../../errors.js';
import type { DbKind, Em } from '../../infra/db.js';

/**
 * Full-text search over title, tags and body of published content, best match first.
 * PostgreSQL: a generated tsvector column (weights A/B/C) with a GIN index, ranked by
 * ts_rank_cd. SQLite: an FTS5 table kept in sync by triggers, ranked by bm25 with the same
 * weighting. Both stem English words, drop the same stop words from the query, and match
 * documents that contain every remaining word.
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

const postgres: ContentSearch = {
  async search(em, query, limit, offset) {
    const tsquery = searchTerms(query).join(' & ');
    if (limit === 0) {
      const [row] = await em.execute<Row[]>(
        `select '' as id, count(*) as total from contents c
          where c.status = 'PUBLISHED' and c.search_vector @@ to_tsquery('english', ?)`,
        [tsquery],
      );
      return { ids: [], total: Number(row?.total ?? 0) };
    }
    return result(
      await em.execute<Row[]>(
        `select c.id, count(*) over () as total
           from contents c, to_tsquery('english', ?) q
          where c.status = 'PUBLISHED' and c.search_vector @@ q
          order by ts_rank_cd(c.search_vector, q) desc, c.id asc
          limit ? offset ?`,
        [tsquery, limit, offset],
      ),
    );
  },
};

const sqlite: ContentSearch = {
  async search(em, query, limit, offset) {
    const match = searchTerms(query)
      .map((t) => `"${t}"`)
      .join(' AND ');
    if (limit === 0) {
      const [row] = await em.execute<Row[]>(
        `select '' as id, count(*) as total from content_fts f join contents c on c.id = f.content_id
          where content_fts match ? and c.status = 'PUBLISHED'`,
        [match],
      );
      return { ids: [], total: Number(row?.total ?? 0) };
    }
    return result(
      await em.execute<Row[]>(
        `select f.content_id as id, count(*) over () as total
           from content_fts f join contents c on c.id = f.content_id
          where content_fts match ? and c.status = 'PUBLISHED'
          order by bm25(content_fts, 0.0, 10.0, 5.0, 1.0) asc, c.id asc
          limit ? offset ?`,
        [match, limit, offset],
      ),
    );
  },
};

export function contentSearch(kind: DbKind): ContentSearch {
  return kind === 'postgresql' ? postgres : sqlite;
}
