import type { ActivitySink } from '../../infra/activity.js';
import {
  Cursor,
  type EntityData,
  type FilterQuery,
  type ObjectQuery,
  type QueryOrderMap,
} from '@mikro-orm/core';
import { badInput } from '../../errors.js';
import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import {
  decodeCursor,
  encodeCursor,
  keysetPosition,
  pageSize,
  toPage,
  type Page,
  type Slot,
} from '../../infra/pagination.js';
import type { PubSub } from '../../infra/pubsub.js';
import { isId, isStaff, type Actor, type User } from '../accounts/index.js';
import { canRead } from './content.policy.js';
import { Content, ContentStatus, type MediaAsset } from './content.entity.js';
import { ContentTag } from './content-tag.entity.js';
import { Comment } from './comment.entity.js';
import { ContentOrder, type ContentFilter } from './content.inputs.js';
import type { ContentSearch } from './content.search.js';
import { boundTag } from './content.validation.js';
import type { AccessGrants, BodyFacts, ContentAccess } from './content.access.js';

const ORDERS: Record<ContentOrder, QueryOrderMap<Content>> = {
  [ContentOrder.NEWEST]: { listedAt: 'desc', id: 'desc' },
  [ContentOrder.OLDEST]: { listedAt: 'asc', id: 'asc' },
  [ContentOrder.MOST_LIKED]: { likeCount: 'desc', id: 'desc' },
  [ContentOrder.MOST_VIEWED]: { viewCount: 'desc', id: 'desc' },
};
/** What each value of a keyset position is, in the order of its `orderBy`. */
const SHAPES: Record<ContentOrder, readonly Slot[]> = {
  [ContentOrder.NEWEST]: ['date', 'id'],
  [ContentOrder.OLDEST]: ['date', 'id'],
  [ContentOrder.MOST_LIKED]: ['count', 'id'],
  [ContentOrder.MOST_VIEWED]: ['count', 'id'],
};
const COMMENT_ORDER: QueryOrderMap<Comment> = { createdAt: 'asc', id: 'asc' };
const COMMENT_SHAPE: readonly Slot[] = ['date', 'id'];

/** An actor, with the request's loaders when there is a request (the GraphQL context). */
type SearchActor = Actor & {
  loaders?: { content: { grants(): Promise<AccessGrants> } };
};

export interface ContentDeps {
  pubsub: PubSub;
  search: ContentSearch;
  logger: Logger;
  /** Told of likes and comments (metrics). */
  activity: ActivitySink;
  /** Who may read gated bodies (provided by memberships). */
  access: ContentAccess;
}

/** Everything that reads content and comments, always as the viewer may see it. */
export class ContentReader {
  constructor(protected readonly deps: ContentDeps) {}

  // ------------------------------------------------------------------ reading

  /** The content if the viewer may read it; null when it does not exist or they may not. */
  async find(actor: Actor, id: string): Promise<Content | null> {
    if (!isId(id)) return null;
    // UUIDs are case-insensitive: PostgreSQL agrees, SQLite compares the stored lower case.
    const content = await actor.em.findOne(Content, { id: id.toLowerCase() });
    return content && canRead(actor.viewer, view(content)) ? content : null;
  }

  async list(
    actor: Actor,
    filter: ContentFilter | null | undefined,
    order: ContentOrder,
    first: number,
    after: string | null | undefined,
    columns?: readonly (keyof Content)[],
  ): Promise<Page<ContentRow>> {
    const where: FilterQuery<Content>[] = [visibleTo(actor.viewer)];
    if (filter?.authorId)
      where.push(isId(filter.authorId) ? { author: filter.authorId.toLowerCase() } : { id: null });
    if (filter?.kind) where.push({ kind: filter.kind });
    if (filter?.tag)
      where.push({ id: { $in: tagged(actor, boundTag('filter.tag', filter.tag)) as never } });
    if (filter?.status) {
      where.push({ status: filter.status });
      if (filter.status !== ContentStatus.PUBLISHED && !isStaff(actor.viewer)) {
        where.push(actor.viewer ? { author: actor.viewer.id } : { id: null });
      }
    }
    return this.page(actor, { $and: where }, `contents:${order}`, order, first, after, columns);
  }

  /** A user's content, newest first: published only, or everything for themself and staff. */
  userContents(
    actor: Actor,
    user: User,
    first: number,
    after: string | null | undefined,
    columns?: readonly (keyof Content)[],
  ) {
    const own = actor.viewer?.id === user.id || isStaff(actor.viewer);
    const where: FilterQuery<Content> = own
      ? { author: user.id }
      : { author: user.id, status: ContentStatus.PUBLISHED };
    return this.page(actor, where, `user:${user.id}`, ContentOrder.NEWEST, first, after, columns);
  }

  async comments(
    actor: Actor,
    content: Pick<Content, 'id' | 'commentCount'>,
    first: number,
    after: string | null | undefined,
  ) {
    const size = pageSize(first);
    const cursor = await actor.em.findByCursor(
      Comment,
      { content: content.id },
      {
        first: size,
        after: after ? keysetPosition(`comments:${content.id}`, after, COMMENT_SHAPE) : undefined,
        orderBy: COMMENT_ORDER,
        includeCount: false,
      },
    );
    return toPage(cursor.items, (c) => cursor.from(c), `comments:${content.id}`, {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: !!after,
      totalCount: content.commentCount,
    });
  }

  /**
   * Full-text search as `actor` may see it: gated bodies match only for viewers who may
   * read them. Over a request, the grants come from its loaders, so the body fields of the
   * page do not read them again.
   */
  async search(actor: SearchActor, query: string, first: number, after: string | null | undefined) {
    const size = pageSize(first);
    const offset = after ? Number(decodeCursor('search', after)) : 0;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw badInput('after', 'is not a valid cursor for this list');
    const rule = this.deps.access.get();
    const grants = await (actor.loaders?.content.grants() ??
      rule.grants(actor.em, actor.viewer, new Date()));
    const { hits, total } = await this.deps.search.search(actor.em, query, grants, size, offset);
    const found = hits.length
      ? await actor.em.find(Content, { id: { $in: hits.map((h) => h.id) } })
      : [];
    const byId = new Map(found.map((c) => [c.id, c]));
    const edges = hits.flatMap((hit, i) => {
      const node = byId.get(hit.id);
      if (!node) return [];
      // Never expected: the SQL asked a translation of the rule (`readableSql`). Asking the
      // rule itself as well means a drift between the two (a new visibility, a changed
      // rule) drops the row, and says so, rather than show what its hidden text matched.
      if (!hit.open && !rule.canReadBody(grants, bodyFacts(node))) {
        this.deps.logger.error(
          { contentId: node.id },
          'search matched a hidden body the rule does not let the viewer read',
        );
        return [];
      }
      return [{ cursor: encodeCursor('search', String(offset + i + 1)), node }];
    });
    return {
      edges,
      totalCount: total,
      pageInfo: {
        hasNextPage: offset + hits.length < total,
        hasPreviousPage: offset > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  // ------------------------------------------------------------------ helpers

  /**
   * A keyset page of contents as plain rows (`ContentRow`): the driver's mapped result, not
   * entities, since a list's items are only read. Hydrating them (identity map, references,
   * change-set snapshots) was a third of a feed request's CPU. `columns` (the selection's,
   * see content.selection.ts) bounds what is read; the count runs only when a client asks
   * `totalCount`.
   */
  protected async page(
    actor: Actor,
    where: FilterQuery<Content>,
    scope: string,
    order: ContentOrder,
    first: number,
    after: string | null | undefined,
    columns?: readonly (keyof Content)[],
  ): Promise<Page<ContentRow>> {
    const size = pageSize(first);
    const em = actor.em;
    const options = {
      first: size,
      after: after ? keysetPosition(scope, after, SHAPES[order]) : undefined,
      orderBy: ORDERS[order],
      overfetch: true,
    };
    const rows = size
      ? await em.getDriver().find<Content>(Content.name, where as ObjectQuery<Content>, {
          ...options,
          ...(columns ? { fields: columns as never[] } : {}),
          ctx: em.getTransactionContext(),
        })
      : [];
    // Cursor reads only the order's scalar properties of its items: rows serve as well.
    const cursor = new Cursor(
      rows.map(contentRow) as unknown as Content[],
      0,
      options,
      em.getMetadata().get(Content.name),
    );
    let count: Promise<number> | null = null;
    return lazyCount(
      toPage(cursor.items as unknown as ContentRow[], (c) => cursor.from(c as never), scope, {
        hasNextPage: cursor.hasNextPage,
        hasPreviousPage: !!after,
        totalCount: 0,
      }),
      () => (count ??= em.count(Content, where)),
    );
  }
}

/**
 * A content read for a list: its scalar properties, and its author as `{ id }` (resolved by
 * the `author` loader). Never managed by an EntityManager: writes go through `find`.
 */
export type ContentRow = Omit<Content, 'author'> & { author: { id: string } };

/** What the driver maps a row to (JSON columns stay text on SQLite), as a `ContentRow`. */
function contentRow(data: EntityData<Content>): ContentRow {
  const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
  return {
    ...(data as unknown as ContentRow),
    author: { id: data.author as string },
    tags: json<string[]>(data.tags),
    media: json<MediaAsset[]>(data.media),
    tierIds: json<string[]>(data.tierIds),
  };
}

/** `page` with `totalCount` read (by `count`) only when a resolver reads it. */
function lazyCount<T>(page: Page<T>, count: () => Promise<number>): Page<T> {
  return Object.defineProperty(page, 'totalCount', { get: count, enumerable: true });
}

export function view(content: Content | ContentRow) {
  return { status: content.status, authorId: content.author.id };
}

/** What the body access rule reads of a content. */
export function bodyFacts(content: Content | ContentRow): BodyFacts {
  return {
    authorId: content.author.id,
    visibility: content.visibility,
    tierIds: content.tierIds,
  };
}

function visibleTo(viewer: User | null): FilterQuery<Content> {
  if (isStaff(viewer)) return {};
  if (viewer) return { $or: [{ status: ContentStatus.PUBLISHED }, { author: viewer.id }] };
  return { status: ContentStatus.PUBLISHED };
}

function tagged(actor: Actor, tag: string) {
  return actor.em
    .createQueryBuilder(ContentTag, 't')
    .select('t.content_id')
    .where({ tag: tag.trim().toLowerCase() })
    .getKnexQuery();
}

/**
 * The first page of comments of many contents at once (one query, whatever their number),
 * for lists that show comments under each item. Same cursors as `ContentReader.comments`.
 */
export async function firstCommentPages(
  em: Em,
  contents: readonly Pick<Content, 'id' | 'commentCount'>[],
  size: number,
): Promise<Page<Comment>[]> {
  pageSize(size);
  const ids = contents.map((c) => c.id);
  const rows =
    size === 0 || !ids.length
      ? []
      : await em.execute<Record<string, unknown>[]>(
          `select id, content_id, author_id, body, created_at from (
             select c.*, row_number() over (partition by c.content_id order by c.created_at, c.id) as rn
               from comments c where c.content_id in (${ids.map(() => '?').join(', ')})
           ) ranked where rn <= ? order by content_id, created_at, id`,
          [...ids, size + 1],
        );
  const byContent = new Map<string, Comment[]>();
  for (const row of rows) {
    const comment = em.map(Comment, row);
    const list = byContent.get(comment.content.id) ?? [];
    list.push(comment);
    byContent.set(comment.content.id, list);
  }
  const meta = em.getMetadata().get(Comment.name);
  return contents.map((content) => {
    const items = byContent.get(content.id) ?? [];
    return toPage(
      items.slice(0, size),
      (c) => Cursor.for(meta, c, COMMENT_ORDER),
      `comments:${content.id}`,
      {
        hasNextPage: items.length > size,
        hasPreviousPage: false,
        totalCount: content.commentCount,
      },
    );
  });
}
