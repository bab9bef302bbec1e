import { notFound } from '../../errors.js';
import { END, mapEvents, SKIP, type PubSub } from '../../infra/pubsub.js';
import type { Actor } from '../accounts/index.js';
import { canRead } from './content.access.js';
import type { ContentService } from './content.service.js';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from './content.topics.js';
import { mergeUserSnapshot } from '../accounts/index.js';
import { commentFromEvent, contentFromSnapshot } from './content.snapshots.js';
import type { Comment } from './comment.entity.js';
import type { Content } from './content.entity.js';

/**
 * A subscription's actor. Its context lives as long as the subscription, so `renew()`
 * gives each event a fresh EntityManager and fresh loaders: nothing is cached across events.
 */
export interface LiveActor extends Actor {
  renew(this: LiveActor): void;
}

export class ContentLiveService {
  constructor(
    private readonly pubsub: PubSub,
    private readonly content: ContentService,
  ) {}

  /** Comments on one content; NOT_FOUND (whether missing or unreadable) at subscribe time. */
  async commentAdded(actor: LiveActor, contentId: string): Promise<AsyncIterableIterator<Comment>> {
    // Subscribe before checking, so a change of access in between is not missed. Events go
    // out on the stored, lower-case id, while ids are accepted in any case.
    const events = await this.pubsub.listen(CONTENT_ACTIVITY, contentId.toLowerCase());
    const content = await this.content.find(actor, contentId).catch(async (e: unknown) => {
      await events.return?.();
      throw e;
    });
    if (!content) {
      await events.return?.();
      throw notFound('Content');
    }
    return mapEvents(events, (e) => {
      if (!canRead(actor.viewer, { status: e.contentStatus, authorId: e.contentAuthorId }))
        return END;
      if (e.type !== 'comment') return SKIP;
      actor.renew();
      return commentFromEvent(actor.em, e, actor.viewer);
    });
  }

  /** Newly published content, narrowed to one author and/or tag. */
  async contentPublished(
    actor: LiveActor,
    authorId: string | null,
    tag: string | null,
  ): Promise<AsyncIterableIterator<Content>> {
    const wantedAuthor = authorId?.toLowerCase() || null;
    const wantedTag = tag?.trim().toLowerCase() || null;
    const events = await this.pubsub.listen(CONTENT_PUBLISHED);
    return mapEvents(events, (e) => {
      const c = e.content;
      if (wantedAuthor && c.authorId !== wantedAuthor) return SKIP;
      if (wantedTag && !c.tags.includes(wantedTag)) return SKIP;
      if (!canRead(actor.viewer, { status: c.status, authorId: c.authorId })) return SKIP;
      actor.renew();
      mergeUserSnapshot(actor.em, e.author, actor.viewer);
      return contentFromSnapshot(actor.em, c);
    });
  }
}
