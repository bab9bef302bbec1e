import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { subscribeThrough } from '../../live.js';
import { Comment } from './comment.entity.js';
import { Content } from './content.entity.js';
import type { ContentLiveService } from './content-live.service.js';

/** Subscriptions: authorised when the client subscribes and again for every event. */
@Resolver()
export class ContentLiveResolver {
  constructor(readonly live: ContentLiveService) {}

  @Subscription(() => Comment, {
    description:
      'New comments on one content, for everyone who may read it: the live comment stream under a video, with any number of watchers.',
    subscribe: subscribeThrough(ContentLiveResolver, (r, args, ctx) =>
      r.live.commentAdded(ctx, String(args.contentId)),
    ),
  })
  commentAdded(@Root() comment: Comment, @Arg('contentId', () => ID) _contentId: string): Comment {
    return comment;
  }

  @Subscription(() => Content, {
    description:
      'Content as it is published (scheduled content when its time comes) that the viewer may read, optionally narrowed to one author or tag: the "new posts" banner of a feed.',
    subscribe: subscribeThrough(ContentLiveResolver, (r, args, ctx) =>
      r.live.contentPublished(
        ctx,
        (args.authorId as string | null | undefined) ?? null,
        (args.tag as string | null | undefined) ?? null,
      ),
    ),
  })
  contentPublished(
    @Root() content: Content,
    @Arg('authorId', () => ID, { nullable: true }) _authorId: string | null,
    @Arg('tag', () => String, { nullable: true }) _tag: string | null,
  ): Content {
    return content;
  }
}
