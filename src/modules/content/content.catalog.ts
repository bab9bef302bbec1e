import type { FilterQuery } from '@mikro-orm/core';
import { isPostgres, sqlRows, type Em } from '../../infra/db.js';
import { Content, ContentStatus, type MediaAsset } from './content.entity.js';
import { openBody } from './content.access.js';

/** Adds to a content's all-time figures (metrics: tracked views, shares, watch time). */
export interface ContentTotals {
  views: number;
  shares: number;
  watchSeconds: number;
}

/** What the content text index reads of one content. */
export type IndexedContent = Pick<
  Content,
  'id' | 'title' | 'body' | 'tags' | 'author' | 'listedAt'
>;

const marks = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** `columns` of the contents among `ids`, as plain rows (no entities to build), in `em`'s transaction. */
function rowsOf<R>(em: Em, columns: string, ids: readonly string[]): Promise<R[]> {
  return sqlRows<R>(em, `select ${columns} from contents where id in (${marks(ids)})`, ids);
}

/**
 * What other features may read of content (and the one thing they may add to it: tracked
 * totals). Metrics and recommendations go through here, never through the `contents`
 * table: the content feature owns its rows and the rule of who may read them (published
 * content is readable by anyone). Each method is one SQL statement.
 */
export class ContentCatalog {
  /** The published contents among `ids`, with their authors loaded. */
  async published(em: Em, ids: readonly string[]): Promise<Map<string, Content>> {
    if (!ids.length) return new Map();
    // By id only, status checked here: given `status = ?` too, SQLite's planner walks the
    // status index (every published row) instead of looking the ids up.
    const found = await em.find(
      Content,
      { id: { $in: [...new Set(ids)] } },
      { populate: ['author'] },
    );
    return new Map(found.filter((c) => c.status === ContentStatus.PUBLISHED).map((c) => [c.id, c]));
  }

  /** The ids among `ids` (any case) of published contents (plain rows: no entities to build). */
  async publishedIds(em: Em, ids: readonly string[]): Promise<Set<string>> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (!wanted.length) return new Set();
    // By id only, status checked here (see `published`).
    const rows = await rowsOf<{ id: string; status: string }>(em, 'id, status', wanted);
    return new Set(rows.filter((r) => r.status === ContentStatus.PUBLISHED).map((r) => r.id));
  }

  /** The author of each published content among `ids`, from plain rows. */
  async publishedAuthors(em: Em, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await rowsOf<{ id: string; author_id: string; status: string }>(
      em,
      'id, author_id, status',
      ids,
    );
    return new Map(
      rows.filter((r) => r.status === ContentStatus.PUBLISHED).map((r) => [r.id, r.author_id]),
    );
  }

  /** The author of each content among `ids`, whatever its status (candidates, screened later). */
  async authors(em: Em, ids: string[]): Promise<{ id: string; authorId: string }[]> {
    if (!ids.length) return [];
    const rows = await rowsOf<{ id: string; author_id: string }>(em, 'id, author_id', ids);
    return rows.map((r) => ({ id: r.id, authorId: r.author_id }));
  }

  /** The `limit` most recently published ids, newest first. */
  async newest(em: Em, limit: number): Promise<string[]> {
    const recent = await em.find(
      Content,
      { status: ContentStatus.PUBLISHED },
      { orderBy: { publishedAt: 'desc', id: 'desc' }, limit, fields: ['id', 'publishedAt'] },
    );
    return recent.map((c) => c.id);
  }

  /** The content as stored now (not as this EntityManager last saw it); null once gone. */
  current(em: Em, id: string): Promise<Content | null> {
    return em.findOne(Content, { id }, { refresh: true });
  }

  /** The length in seconds of each content's first timed medium, or null, among `ids` (plain rows). */
  async durations(em: Em, ids: string[]): Promise<Map<string, number | null>> {
    if (!ids.length) return new Map();
    const rows = await rowsOf<{ id: string; media: unknown }>(em, 'id, media', ids);
    return new Map(
      rows.map((r) => {
        // jsonb arrives parsed from PostgreSQL, as text from SQLite.
        const media = (typeof r.media === 'string' ? JSON.parse(r.media) : r.media) as MediaAsset[];
        return [r.id, media.find((m) => m.durationSeconds)?.durationSeconds ?? null];
      }),
    );
  }

  /**
   * A page of published content by (listedAt, id), after `cursor` or from `since`, through
   * the (status, listed_at, id) index. A gated content's `body` is its preview: the index it
   * feeds serves every viewer, so it must not rank on hidden words.
   */
  async publishedPage(
    em: Em,
    from: { cursor: { at: Date; id: string } | null; since: Date | null },
    limit: number,
  ): Promise<IndexedContent[]> {
    const { cursor, since } = from;
    const where: FilterQuery<Content> = cursor
      ? {
          $or: [{ listedAt: { $gt: cursor.at } }, { listedAt: cursor.at, id: { $gt: cursor.id } }],
        }
      : since
        ? { listedAt: { $gte: since } }
        : {};
    const page = await em.find(
      Content,
      { status: ContentStatus.PUBLISHED, ...where },
      {
        fields: ['id', 'title', 'body', 'tags', 'author', 'listedAt', 'visibility', 'preview'],
        orderBy: { listedAt: 'asc', id: 'asc' },
        limit,
      },
    );
    // Plain objects: changing `body` on the managed entities would be flushed as an edit.
    return page.map((c) => ({
      id: c.id,
      title: c.title,
      body: openBody(c),
      tags: c.tags,
      author: c.author,
      listedAt: c.listedAt,
    }));
  }

  /**
   * Adds tracked totals to contents inside the caller's transaction, in one statement (a
   * CASE per column: the same SQL on SQLite and PostgreSQL). On PostgreSQL the rows are
   * locked first in id order, so concurrent batches of several processes never deadlock.
   */
  async addTotals(em: Em, totals: Map<string, ContentTotals>): Promise<void> {
    if (!totals.size) return;
    const ids = [...totals.keys()].sort();
    const run = (sql: string, params: unknown[]) =>
      em.getConnection().execute(sql, params, 'run', em.getTransactionContext());
    if (isPostgres(em))
      await run(`select id from contents where id in (${marks(ids)}) order by id for update`, ids);
    const column = (name: string, of: (t: ContentTotals) => number) => ({
      sql: `${name} = ${name} + case id ${ids.map(() => 'when ? then ?').join(' ')} else 0 end`,
      params: ids.flatMap((id) => [id, of(totals.get(id)!)]),
    });
    const set = [
      column('view_count', (t) => t.views),
      column('share_count', (t) => t.shares),
      column('watch_seconds', (t) => t.watchSeconds),
    ];
    await run(
      `update contents set ${set.map((c) => c.sql).join(', ')} where id in (${marks(ids)})`,
      [...set.flatMap((c) => c.params), ...ids],
    );
  }
}
