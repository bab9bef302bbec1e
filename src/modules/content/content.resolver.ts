import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { PerViewer } from '../../infra/shared-execution.js';
import { pageSize } from '../../infra/pagination.js';
import { User } from '../accounts/index.js';
import { Reference } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { nodeColumns } from './content.selection.js';
import { Content, MediaAsset } from './content.entity.js';
import type { ContentRow } from './content.reader.js';
import { previewOf } from './content.access.js';
import type { ContentService } from './content.service.js';
import {
  ContentOrder,
  ContentsArgs,
  CreateContentInput,
  PageArgs,
  UpdateContentInput,
} from './content.inputs.js';
import { CommentConnection, ContentConnection } from './content.types.js';

/** Comments of a gated content, for a viewer without access: none shown, the count stays. */
const emptyPage = (content: Content | ContentRow) => ({
  edges: [],
  totalCount: content.commentCount,
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
});

@Resolver(() => Content)
export class ContentResolver {
  constructor(private readonly contentService: ContentService) {}

  @Query(() => Content, {
    nullable: true,
    description: 'Null when it does not exist or the viewer may not read it.',
  })
  content(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.contentService.find(ctx, id);
  }

  @Query(() => ContentConnection)
  contents(
    @Args(() => ContentsArgs) a: ContentsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.contentService.list(
      ctx,
      a.filter,
      a.orderBy ?? ContentOrder.NEWEST,
      a.first ?? 20,
      a.after,
      nodeColumns(info),
    );
  }

  @Query(() => ContentConnection, {
    description:
      'Full-text search over title, body and tags of published content, best match first.',
  })
  searchContents(
    @Arg('query', () => String) query: string,
    @Args(() => PageArgs) a: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return this.contentService.search(ctx, query, a.first ?? 20, a.after);
  }

  @Mutation(() => Content)
  createContent(
    @Arg('input', () => CreateContentInput) input: CreateContentInput,
    @Ctx() ctx: Context,
  ) {
    return this.contentService.create(signedIn(ctx), input);
  }

  @Mutation(() => Content)
  updateContent(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateContentInput) input: UpdateContentInput,
    @Ctx() ctx: Context,
  ) {
    return this.contentService.update(signedIn(ctx), id, input);
  }

  @Mutation(() => Content, {
    description: 'Publishes now, or schedules when `at` is in the future.',
  })
  publishContent(
    @Arg('id', () => ID) id: string,
    @Arg('at', () => Date, { nullable: true }) at: Date | null,
    @Ctx() ctx: Context,
  ) {
    return this.contentService.publish(signedIn(ctx), id, at);
  }

  @Mutation(() => Content)
  archiveContent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.contentService.archive(signedIn(ctx), id);
  }

  @Mutation(() => ID, { description: 'Returns the id of what was deleted.' })
  deleteContent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.contentService.delete(signedIn(ctx), id);
  }

  @Mutation(() => Content)
  likeContent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.contentService.like(signedIn(ctx), id);
  }

  @Mutation(() => Content)
  unlikeContent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.contentService.unlike(signedIn(ctx), id);
  }

  @PerViewer()
  @FieldResolver(() => String, {
    description: 'The whole body for viewers with access (`viewerHasAccess`), else the `preview`.',
  })
  async body(@Root() content: Content | ContentRow, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.loaders.content.bodyAccess.load(content))
      ? content.body
      : (content.preview ?? previewOf(content.body));
  }

  @PerViewer()
  @FieldResolver(() => [MediaAsset], { description: 'Empty for viewers without access.' })
  async media(@Root() content: Content | ContentRow, @Ctx() ctx: Context): Promise<MediaAsset[]> {
    return (await ctx.loaders.content.bodyAccess.load(content)) ? content.media : [];
  }

  @FieldResolver(() => String, {
    description:
      'The part anyone who may see the content may read: the first 280 characters of the body, cut at a word.',
  })
  preview(@Root() content: Content | ContentRow): string {
    return content.preview ?? previewOf(content.body);
  }

  @PerViewer()
  @FieldResolver(() => Boolean, {
    description:
      'Whether the viewer may read the whole body and the media. The author, moderators and admins always may.',
  })
  viewerHasAccess(@Root() content: Content | ContentRow, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.loaders.content.bodyAccess.load(content);
  }

  @FieldResolver(() => User)
  author(@Root() content: Content | ContentRow, @Ctx() ctx: Context): Promise<User> {
    // An entity's reference may hold its author already (a write's); a list's rows never do.
    return Reference.isReference<User>(content.author)
      ? content.author.loadOrFail()
      : ctx.loaders.content.author.load(content.author.id);
  }

  @PerViewer()
  @FieldResolver(() => Boolean, { description: 'False when nobody is signed in.' })
  viewerHasLiked(@Root() content: Content | ContentRow, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.loaders.content.viewerHasLiked.load(content.id);
  }

  @PerViewer()
  @FieldResolver(() => CommentConnection, {
    description: 'Oldest first; empty for viewers without access to the body.',
  })
  async comments(
    @Root() content: Content | ContentRow,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ) {
    const size = pageSize(first ?? 20);
    if (!(await ctx.loaders.content.bodyAccess.load(content))) return emptyPage(content);
    // First pages batch across a list of contents; later pages are one content's.
    return after
      ? this.contentService.comments(ctx, content, size, after)
      : ctx.loaders.content.firstComments.load({ content, size });
  }
}

@Resolver(() => User)
export class UserContentsResolver {
  constructor(private readonly contentService: ContentService) {}

  @FieldResolver(() => ContentConnection, {
    description:
      'Published content by this user, newest first; the user themself also sees their drafts.',
  })
  contents(
    @Root() user: User,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.contentService.userContents(ctx, user, first ?? 20, after, nodeColumns(info));
  }
}
