import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { User } from '../accounts/index.js';
import { Comment } from './comment.entity.js';
import { Content } from './content.entity.js';
import type { ContentService } from './content.service.js';

@Resolver(() => Comment)
export class CommentResolver {
  constructor(private readonly contentService: ContentService) {}

  @Mutation(() => Comment)
  addComment(
    @Arg('contentId', () => ID) contentId: string,
    @Arg('body', () => String) body: string,
    @Ctx() ctx: Context,
  ) {
    return this.contentService.addComment(signedIn(ctx), contentId, body);
  }

  @Mutation(() => ID)
  deleteComment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.contentService.deleteComment(signedIn(ctx), id);
  }

  @FieldResolver(() => User)
  author(@Root() comment: Comment): Promise<User> {
    return comment.author.loadOrFail();
  }

  @FieldResolver(() => Content)
  content(@Root() comment: Comment): Promise<Content> {
    return comment.content.loadOrFail();
  }
}
