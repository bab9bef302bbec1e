import type { Context } from '../../context.js';
import { forbidden, notFound } from '../../errors.js';
import { ContentReason } from './content.errors.js';
import type { PubSub } from '../../infra/pubsub.js';
import { END, lazy, live, SKIP, subscribeThenAuthorize, type Lazy } from '../../live.js';
import { canRead } from './content.policy.js';
import type { ContentService } from './content.service.js';
import { CONTENT_ACTIVITY, CONTENT_PUBLISHED } from './content.topics.js';
import { mergeUserSnapshot } from '../accounts/index.js';
import { commentFromEvent, contentFromSnapshot } from './content.snapshots.js';
import type { Comment } from './comment.entity.js';
import { Content } from './content.entity.js';
import { boundTag } from './content.validation.js';

export class ContentLiveService {
  constructor(
    private readonly pubsub: PubSub,
    private readonly content: ContentService,
  ) {}

  /**
   * Comments on one content: NOT_FOUND (whether missing or unreadable) at subscribe time,
   * FORBIDDEN (MEMBERS_ONLY) when the viewer may see the content but not read its body. Each
   * comment asks the body rule again (a membership may have ended): no access ends the stream.
   */
  async commentAdded(
    ctx: Context,
    contentId: string,
  ): Promise<AsyncIterableIterator<Comment | Lazy<Comment>>> {
    // Events go out on the stored, lower-case id, while ids are accepted in any case.
    const events = await this.pubsub.listen(CONTENT_ACTIVITY, contentId.toLowerCase());
    await subscribeThenAuthorize(events, async () => {
      const content = await this.content.find(ctx, contentId);
      if (!content) throw notFound('Content');
      if (!(await ctx.loaders.content.bodyAccess.load(content)))
        throw forbidden(
          'Only those who may read this content may follow its comments',
          ContentReason.MEMBERS_ONLY,
        );
    });
    return live(
      ctx,
      events,
      async (e) => {
        if (e.type !== 'comment') return SKIP;
        const { authorId, visibility, tierIds } = e.content;
        if (!(await this.content.mayReadBody(ctx, { authorId, visibility, tierIds }))) return END;
        // Built when executed: subscribers whose group has the result never build it.
        return lazy(() => commentFromEvent(ctx.em, e, ctx.viewer));
      },
      {
        allowed: (e) =>
          canRead(ctx.viewer, { status: e.contentStatus, authorId: e.contentAuthorId }),
        wanted: (e) => e.type === 'comment',
        shared: true,
      },
    );
  }

  /** Newly published content, narrowed to one author and/or tag. */
  async contentPublished(
    ctx: Context,
    authorId: string | null,
    tag: string | null,
  ): Promise<AsyncIterableIterator<Content>> {
    const wantedAuthor = authorId?.toLowerCase() || null;
    const wantedTag = tag ? boundTag('tag', tag) || null : null;
    const events = await this.pubsub.listen(CONTENT_PUBLISHED);
    return live(
      ctx,
      events,
      (e) => {
        mergeUserSnapshot(ctx.em, e.author, ctx.viewer);
        return contentFromSnapshot(ctx.em, e.content);
      },
      {
        wanted: ({ content: c }) =>
          (!wantedAuthor || c.authorId === wantedAuthor) &&
          (!wantedTag || c.tags.includes(wantedTag)) &&
          canRead(ctx.viewer, { status: c.status, authorId: c.authorId }),
      },
    );
  }
}
