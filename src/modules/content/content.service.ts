import { raw, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import type { Logger } from '../../infra/logger.js';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../../infra/pagination.js';
import type { PubSub } from '../../infra/pubsub.js';
import { isId, isStaff, requireViewer, type Actor, type User } from '../accounts/index.js';
import { canModerate, canRead } from './content.access.js';
import { Content, ContentKind, ContentStatus } from './content.entity.js';
import { ContentTag } from './content-tag.entity.js';
import { Comment } from './comment.entity.js';
import { Like } from './like.entity.js';
import {
  ContentOrder,
  type ContentFilter,
  type CreateContentInput,
  type UpdateContentInput,
} from './content.inputs.js';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from './content.topics.js';
import { commentEvent, contentSnapshot, userSnapshot } from './content.snapshots.js';
import {
  normalizeTags,
  validateBody,
  validateComment,
  validateMedia,
  validateTitle,
} from './content.validation.js';
import type { ContentSearch } from './content.search.js';

const ORDERS: Record<ContentOrder, QueryOrderMap<Content>> = {
  [ContentOrder.NEWEST]: { listedAt: 'desc', id: 'desc' },
  [ContentOrder.OLDEST]: { listedAt: 'asc', id: 'asc' },
  [ContentOrder.MOST_LIKED]: { likeCount: 'desc', id: 'desc' },
  [ContentOrder.MOST_VIEWED]: { viewCount: 'desc', id: 'desc' },
};

export interface ContentDeps {
  pubsub: PubSub;
  search: ContentSearch;
  logger: Logger;
}

export class ContentService {
  constructor(private readonly deps: ContentDeps) {}

  // ------------------------------------------------------------------ reading

  /** The content if the viewer may read it; null when it does not exist or they may not. */
  async find(actor: Actor, id: string): Promise<Content | null> {
    if (!isId(id)) return null;
    const content = await actor.em.findOne(Content, { id });
    return content && canRead(actor.viewer, view(content)) ? content : null;
  }

  async list(
    actor: Actor,
    filter: ContentFilter | null | undefined,
    order: ContentOrder,
    first: number,
    after: string | null | undefined,
  ): Promise<Page<Content>> {
    const where: FilterQuery<Content>[] = [visibleTo(actor.viewer)];
    if (filter?.authorId)
      where.push(isId(filter.authorId) ? { author: filter.authorId } : { id: null });
    if (filter?.kind) where.push({ kind: filter.kind });
    if (filter?.tag) where.push({ id: { $in: tagged(actor, filter.tag) as never } });
    if (filter?.status) {
      where.push({ status: filter.status });
      if (filter.status !== ContentStatus.PUBLISHED && !isStaff(actor.viewer)) {
        where.push(actor.viewer ? { author: actor.viewer.id } : { id: null });
      }
    }
    return this.page(actor, { $and: where }, `contents:${order}`, ORDERS[order], first, after);
  }

  /** A user's content, newest first: published only, or everything for themself and staff. */
  userContents(actor: Actor, user: User, first: number, after: string | null | undefined) {
    const own = actor.viewer?.id === user.id || isStaff(actor.viewer);
    const where: FilterQuery<Content> = own
      ? { author: user.id }
      : { author: user.id, status: ContentStatus.PUBLISHED };
    return this.page(actor, where, `user:${user.id}`, ORDERS.NEWEST, first, after);
  }

  async comments(actor: Actor, content: Content, first: number, after: string | null | undefined) {
    const size = pageSize(first);
    const cursor = await actor.em.findByCursor(
      Comment,
      { content: content.id },
      {
        first: size,
        after: after ? fromOpaque(`comments:${content.id}`, after) : undefined,
        orderBy: { createdAt: 'asc', id: 'asc' },
        includeCount: false,
      },
    );
    return toPage(cursor, `comments:${content.id}`, content.commentCount, !!after);
  }

  async search(actor: Actor, query: string, first: number, after: string | null | undefined) {
    const size = pageSize(first);
    const offset = after ? Number(decodeCursor('search', after)) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw badInput('after', 'is not a valid cursor for this list');
    const { ids, total } = await this.deps.search.search(actor.em, query, size, offset);
    const found = await actor.em.find(Content, { id: { $in: ids } });
    const byId = new Map(found.map((c) => [c.id, c]));
    const nodes = ids.map((id) => byId.get(id)).filter((c): c is Content => !!c);
    const edges = nodes.map((node, i) => ({
      cursor: encodeCursor('search', String(offset + i + 1)),
      node,
    }));
    return {
      edges,
      totalCount: total,
      pageInfo: {
        hasNextPage: offset + ids.length < total,
        hasPreviousPage: offset > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  // ------------------------------------------------------------------ writing

  async create(actor: Actor, input: CreateContentInput): Promise<Content> {
    const viewer = requireViewer(actor);
    const now = new Date();
    const content = actor.em.create(Content, {
      kind: input.kind,
      title: validateTitle(input.title),
      body: validateBody(input.body),
      tags: normalizeTags(input.tags ?? []),
      media: validateMedia(input.kind, input.media ?? []),
      status: ContentStatus.DRAFT,
      author: viewer,
      createdAt: now,
      updatedAt: now,
      listedAt: now,
    });
    for (const tag of content.tags) actor.em.create(ContentTag, { content, tag });
    await actor.em.flush();
    return content;
  }

  async update(actor: Actor, id: string, input: UpdateContentInput): Promise<Content> {
    const content = await this.authored(actor, id);
    if (input.title !== undefined && input.title !== null)
      content.title = validateTitle(input.title);
    if (input.body !== undefined && input.body !== null) content.body = validateBody(input.body);
    if (input.media !== undefined && input.media !== null)
      content.media = validateMedia(content.kind, input.media);
    if (input.tags !== undefined && input.tags !== null) {
      const tags = normalizeTags(input.tags);
      await actor.em.nativeDelete(ContentTag, { content: content.id, tag: { $nin: tags } });
      const existing = new Set(
        (await actor.em.find(ContentTag, { content: content.id })).map((t) => t.tag),
      );
      for (const tag of tags) if (!existing.has(tag)) actor.em.create(ContentTag, { content, tag });
      content.tags = tags;
    }
    content.updatedAt = new Date();
    await actor.em.flush();
    return content;
  }

  async publish(actor: Actor, id: string, at: Date | null | undefined): Promise<Content> {
    const content = await this.authored(actor, id);
    if (at && Number.isNaN(at.getTime())) throw badInput('at', 'is not a valid date-time');
    if (content.kind !== ContentKind.ARTICLE && content.media.length === 0) {
      throw badInput('media', `${content.kind} content needs at least one asset before publishing`);
    }
    const now = new Date();
    if (at && at.getTime() > now.getTime()) {
      if (content.status === ContentStatus.PUBLISHED)
        throw conflict('status', 'Content is already published');
      content.status = ContentStatus.SCHEDULED;
      content.publishedAt = at;
      content.updatedAt = now;
      await actor.em.flush();
      return content;
    }
    if (content.status === ContentStatus.PUBLISHED) return content;
    content.status = ContentStatus.PUBLISHED;
    content.publishedAt = now;
    content.listedAt = now;
    content.updatedAt = now;
    await actor.em.flush();
    await this.announce([content]);
    return content;
  }

  async archive(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    if (!canModerate(viewer, content.author.id))
      throw forbidden('Only the author or a moderator may archive this');
    if (content.status !== ContentStatus.ARCHIVED) {
      content.status = ContentStatus.ARCHIVED;
      content.updatedAt = new Date();
      await actor.em.flush();
      await this.access(content.id, ContentStatus.ARCHIVED, content.author.id);
    }
    return content;
  }

  async delete(actor: Actor, id: string): Promise<string> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    if (!canModerate(viewer, content.author.id))
      throw forbidden('Only the author or a moderator may delete this');
    await actor.em.nativeDelete(Content, { id: content.id });
    actor.em.getUnitOfWork().unsetIdentity(content);
    await this.access(content.id, null, content.author.id);
    return id;
  }

  async like(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.interactable(actor, id);
    await actor.em.transactional(async (em) => {
      const inserted = await em
        .createQueryBuilder(Like)
        .insert({ user: viewer.id, content: content.id, createdAt: new Date() })
        .onConflict(['user', 'content'])
        .ignore()
        .execute('run');
      if (inserted.affectedRows > 0) {
        await em.nativeUpdate(Content, { id: content.id }, { likeCount: raw('like_count + 1') });
      }
    });
    await actor.em.refresh(content);
    return content;
  }

  async unlike(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    await actor.em.transactional(async (em) => {
      const removed = await em.nativeDelete(Like, { user: viewer.id, content: content.id });
      if (removed > 0) {
        await em.nativeUpdate(Content, { id: content.id }, { likeCount: raw('like_count - 1') });
      }
    });
    await actor.em.refresh(content);
    return content;
  }

  async addComment(actor: Actor, contentId: string, rawBody: string): Promise<Comment> {
    const viewer = requireViewer(actor);
    const body = validateComment(rawBody);
    const content = await this.interactable(actor, contentId);
    const comment = actor.em.create(Comment, {
      content,
      author: viewer,
      body,
      createdAt: new Date(),
    });
    await actor.em.transactional(async (em) => {
      await em.persistAndFlush(comment);
      await em.nativeUpdate(
        Content,
        { id: content.id },
        { commentCount: raw('comment_count + 1') },
      );
    });
    await actor.em.refresh(content);
    await this.emit(() =>
      this.deps.pubsub.publish(
        CONTENT_ACTIVITY,
        commentEvent(comment, viewer, content),
        content.id,
      ),
    );
    return comment;
  }

  async deleteComment(actor: Actor, id: string): Promise<string> {
    const viewer = requireViewer(actor);
    const comment = isId(id)
      ? await actor.em.findOne(Comment, { id }, { populate: ['content'] })
      : null;
    const content = comment?.content.getEntity();
    if (!comment || !content || !canRead(viewer, view(content))) throw notFound('Comment');
    if (comment.author.id !== viewer.id && !canModerate(viewer, content.author.id)) {
      throw forbidden('Only the comment author, the content author or a moderator may delete this');
    }
    await actor.em.transactional(async (em) => {
      const removed = await em.nativeDelete(Comment, { id });
      if (removed > 0) {
        await em.nativeUpdate(
          Content,
          { id: content.id },
          { commentCount: raw('comment_count - 1') },
        );
      }
    });
    actor.em.getUnitOfWork().unsetIdentity(comment);
    return id;
  }

  /**
   * Publishes every SCHEDULED content whose time has come. The status change is one
   * conditional UPDATE per item, so when several processes run the scheduler each item is
   * claimed, and announced, by exactly one of them.
   */
  async publishDue(actor: Actor, now = new Date()): Promise<number> {
    const due = await actor.em.find(
      Content,
      { status: ContentStatus.SCHEDULED, publishedAt: { $lte: now } },
      { orderBy: { publishedAt: 'asc' }, limit: 100 },
    );
    const claimed: Content[] = [];
    for (const c of due) {
      const n = await actor.em.nativeUpdate(
        Content,
        { id: c.id, status: ContentStatus.SCHEDULED, publishedAt: c.publishedAt },
        { status: ContentStatus.PUBLISHED, listedAt: c.publishedAt!, updatedAt: now },
      );
      if (n === 1) claimed.push(c);
    }
    for (const c of claimed) await actor.em.refresh(c);
    await this.announce(claimed);
    return claimed.length;
  }

  // ------------------------------------------------------------------ helpers

  private async page(
    actor: Actor,
    where: FilterQuery<Content>,
    scope: string,
    orderBy: QueryOrderMap<Content>,
    first: number,
    after: string | null | undefined,
  ): Promise<Page<Content>> {
    const size = pageSize(first);
    const cursor = await actor.em.findByCursor(Content, where, {
      first: size,
      after: after ? fromOpaque(scope, after) : undefined,
      orderBy,
    });
    return toPage(cursor, scope, cursor.totalCount, !!after);
  }

  private async readable(actor: Actor, id: string): Promise<Content> {
    const content = await this.find(actor, id);
    if (!content) throw notFound('Content');
    return content;
  }

  /** Readable and published: the only content that can be liked or commented on. */
  private async interactable(actor: Actor, id: string): Promise<Content> {
    const content = await this.readable(actor, id);
    if (content.status !== ContentStatus.PUBLISHED) {
      throw conflict('status', 'Only published content can be liked or commented on');
    }
    return content;
  }

  /** Content the viewer wrote; others' readable content is FORBIDDEN, the rest NOT_FOUND. */
  private async authored(actor: Actor, id: string): Promise<Content> {
    const viewer = requireViewer(actor);
    const content = await this.readable(actor, id);
    if (content.author.id !== viewer.id) throw forbidden('Only the author may change this content');
    return content;
  }

  private async announce(published: Content[]): Promise<void> {
    if (!published.length) return;
    const authors = await Promise.all(published.map((c) => c.author.load()));
    for (const [i, content] of published.entries()) {
      await this.emit(() =>
        this.deps.pubsub.publish(CONTENT_PUBLISHED, {
          content: contentSnapshot(content),
          author: userSnapshot(authors[i]!),
        }),
      );
    }
  }

  private access(contentId: string, status: ContentStatus | null, authorId: string) {
    return this.emit(() =>
      this.deps.pubsub.publish(
        CONTENT_ACTIVITY,
        { type: 'access', contentStatus: status, contentAuthorId: authorId },
        contentId,
      ),
    );
  }

  /** Events follow committed data; a failed publish is logged, never undoes the write. */
  private async emit(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (e) {
      this.deps.logger.error({ err: e }, 'publishing an event failed');
    }
  }
}

function view(content: Content) {
  return { status: content.status, authorId: content.author.id };
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

function fromOpaque(scope: string, after: string): string {
  return decodeCursor(scope, after);
}

function toPage<T extends object>(
  cursor: { items: T[]; hasNextPage: boolean; from(e: T): string },
  scope: string,
  totalCount: number,
  hasPreviousPage: boolean,
): Page<T> {
  const edges = cursor.items.map((node) => ({
    cursor: encodeCursor(scope, cursor.from(node)),
    node,
  }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
