import type { UserSnapshot } from '../accounts/index.js';
import type { ContentKind, ContentStatus } from './content.entity.js';
import type { Visibility } from './content.access.js';
import type { MediaAsset } from './content.entity.js';

export interface ContentSnapshot {
  id: string;
  kind: ContentKind;
  title: string;
  body: string;
  tags: string[];
  media: MediaAsset[];
  visibility: Visibility;
  tierIds: string[];
  preview: string | null;
  status: ContentStatus;
  authorId: string;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  listedAt: string;
  likeCount: number;
  commentCount: number;
  viewCount: number;
  shareCount: number;
  watchSeconds: number;
}

/** Published content, with what subscribers need to resolve it without a query. */
export interface ContentPublishedEvent {
  content: ContentSnapshot;
  author: UserSnapshot;
}

/**
 * Per-content channel: a new comment, or a change of who may read the content (archived,
 * deleted, unpublished), which ends the streams of subscribers who no longer may.
 */
export type ContentActivityEvent =
  | {
      type: 'comment';
      comment: { id: string; body: string; createdAt: string; contentId: string };
      author: UserSnapshot;
      content: ContentSnapshot;
      contentStatus: ContentStatus;
      contentAuthorId: string;
    }
  | {
      type: 'access';
      contentStatus: ContentStatus | null;
      contentAuthorId: string;
    };

/**
 * A published content whose text or visibility was edited: what indexes of its words
 * (recommendations' similarity) must redo, so a body gated after publication stops counting.
 */
export interface ContentRevisedEvent {
  content: ContentSnapshot;
}

export const CONTENT_PUBLISHED = 'content.published';
export const CONTENT_REVISED = 'content.revised';
export const CONTENT_ACTIVITY = 'content.activity';

declare module '../../infra/pubsub.js' {
  interface Topics {
    [CONTENT_PUBLISHED]: ContentPublishedEvent;
    [CONTENT_ACTIVITY]: ContentActivityEvent;
    [CONTENT_REVISED]: ContentRevisedEvent;
  }
}
