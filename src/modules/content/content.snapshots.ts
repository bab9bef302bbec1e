import type { EntityData } from '@mikro-orm/core';
import type { Em } from '../../infra/db.js';
import { mergeUserSnapshot, User, userSnapshot } from '../accounts/index.js';
import { Comment } from './comment.entity.js';
import { Content } from './content.entity.js';
import type { ContentActivityEvent, ContentSnapshot } from './content.topics.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function contentSnapshot(c: Content): ContentSnapshot {
  return {
    id: c.id,
    kind: c.kind,
    title: c.title,
    body: c.body,
    tags: c.tags,
    media: c.media,
    visibility: c.visibility,
    tierIds: c.tierIds,
    preview: c.preview ?? null,
    status: c.status,
    authorId: c.author.id,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    publishedAt: iso(c.publishedAt),
    listedAt: c.listedAt.toISOString(),
    likeCount: c.likeCount,
    commentCount: c.commentCount,
    viewCount: c.viewCount,
    shareCount: c.shareCount,
    watchSeconds: c.watchSeconds,
  };
}

export function commentEvent(
  comment: Comment,
  author: User,
  content: Content,
): ContentActivityEvent {
  return {
    type: 'comment',
    comment: {
      id: comment.id,
      body: comment.body,
      createdAt: comment.createdAt.toISOString(),
      contentId: content.id,
    },
    author: userSnapshot(author),
    content: contentSnapshot(content),
    contentStatus: content.status,
    contentAuthorId: content.author.id,
  };
}

/**
 * Entities rebuilt from an event inside a fresh EntityManager, registered as loaded so
 * resolving them costs no query (users: see `mergeUserSnapshot`).
 */
export function contentFromSnapshot(em: Em, s: ContentSnapshot): Content {
  const { authorId, ...rest } = s;
  return em.merge(Content, {
    ...rest,
    author: authorId,
    createdAt: new Date(s.createdAt),
    updatedAt: new Date(s.updatedAt),
    publishedAt: s.publishedAt ? new Date(s.publishedAt) : null,
    listedAt: new Date(s.listedAt),
  } as EntityData<Content>);
}

export function commentFromEvent(
  em: Em,
  e: Extract<ContentActivityEvent, { type: 'comment' }>,
  viewer: Pick<User, 'id' | 'role'> | null,
): Comment {
  mergeUserSnapshot(em, e.author, viewer);
  // The content too: selecting `content` on a live comment must not cost each subscriber a query.
  contentFromSnapshot(em, e.content);
  return em.merge(Comment, {
    id: e.comment.id,
    body: e.comment.body,
    createdAt: new Date(e.comment.createdAt),
    content: e.comment.contentId,
    author: e.author.id,
  } as EntityData<Comment>);
}
