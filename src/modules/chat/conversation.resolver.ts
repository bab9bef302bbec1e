import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { PerViewer } from '../../infra/shared-execution.js';
import type { ConversationService } from './conversation.service.js';
import { User } from '../accounts/index.js';
import { ConversationConnection, MessageConnection } from './chat.types.js';
import { Conversation } from './conversation.entity.js';
import { ConversationMember } from './conversation-member.entity.js';
import { Message } from './message.entity.js';

@ArgsType()
class ConversationsArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'At most 100.' })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'An endCursor from a previous page.' })
  after?: string | null;
}

@Resolver(() => Conversation)
export class ConversationResolver {
  constructor(private readonly conversationService: ConversationService) {}

  @Query(() => Conversation, { nullable: true, description: 'Null for anyone but its members.' })
  conversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.conversationService.find(ctx, id);
  }

  @Query(() => ConversationConnection)
  conversations(@Args(() => ConversationsArgs) a: ConversationsArgs, @Ctx() ctx: Context) {
    return this.conversationService.list(signedIn(ctx), a.first ?? 20, a.after);
  }

  @Mutation(() => Conversation, {
    description:
      'One other member: the DIRECT conversation between the two, reused if it exists. More: a new GROUP.',
  })
  startConversation(
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Arg('title', () => String, { nullable: true }) title: string | null,
    @Ctx() ctx: Context,
  ) {
    return this.conversationService.start(signedIn(ctx), memberIds, title);
  }

  @Mutation(() => ID)
  leaveConversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.conversationService.leave(signedIn(ctx), id);
  }

  @Mutation(() => Conversation)
  markRead(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('cursor', () => String) cursor: string,
    @Ctx() ctx: Context,
  ) {
    return this.conversationService.markRead(signedIn(ctx), conversationId, cursor);
  }

  @Mutation(() => Boolean)
  setTyping(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('typing', () => Boolean) typing: boolean,
    @Ctx() ctx: Context,
  ) {
    return this.conversationService.setTyping(signedIn(ctx), conversationId, typing);
  }

  @Mutation(() => User)
  blockUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context) {
    return this.conversationService.block(signedIn(ctx), userId);
  }

  @Mutation(() => User)
  unblockUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context) {
    return this.conversationService.unblock(signedIn(ctx), userId);
  }

  @FieldResolver(() => [ConversationMember])
  members(@Root() conversation: Conversation, @Ctx() ctx: Context) {
    return ctx.loaders.chat.members.load(conversation.id);
  }

  @FieldResolver(() => Message, { nullable: true })
  lastMessage(@Root() conversation: Conversation, @Ctx() ctx: Context) {
    return ctx.loaders.chat.lastMessage.load(conversation);
  }

  @PerViewer()
  @FieldResolver(() => Int, { description: "Messages by others after the viewer's read position." })
  unreadCount(@Root() conversation: Conversation, @Ctx() ctx: Context) {
    return ctx.loaders.chat.unreadCount.load(conversation.id);
  }

  @FieldResolver(() => MessageConnection, {
    description:
      'Newest page last: `last` messages before the `before` cursor, in chronological order.',
  })
  messages(
    @Root() conversation: Conversation,
    @Arg('last', () => Int, { nullable: true, defaultValue: 50 }) last: number | null,
    @Arg('before', () => String, { nullable: true }) before: string | null,
    @Ctx() ctx: Context,
  ) {
    return this.conversationService.messages(ctx, conversation, last ?? 50, before);
  }
}
