import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { User } from '../accounts/index.js';
import { SendMessageInput } from './chat.inputs.js';
import { ReactionCount } from './chat.types.js';
import { messageCursor } from './chat.validation.js';
import { Message } from './message.entity.js';

@Resolver(() => Message)
export class MessageResolver {
  @Mutation(() => Message)
  async sendMessage(
    @Arg('input', () => SendMessageInput) input: SendMessageInput,
    @Ctx() ctx: Context,
  ) {
    const message = await ctx.services.messages.send(ctx, input);
    ctx.loaders.chat.lastMessage.clearAll();
    ctx.loaders.chat.unreadCount.clear(message.conversation.id);
    return message;
  }

  @Mutation(() => Message)
  editMessage(
    @Arg('id', () => ID) id: string,
    @Arg('body', () => String) body: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.messages.edit(ctx, id, body);
  }

  @Mutation(() => Message)
  async deleteMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const message = await ctx.services.messages.delete(ctx, id);
    ctx.loaders.chat.reactions.clear(message.id);
    return message;
  }

  @Mutation(() => Message, { description: "Toggles the viewer's reaction." })
  async react(
    @Arg('messageId', () => ID) messageId: string,
    @Arg('emoji', () => String) emoji: string,
    @Ctx() ctx: Context,
  ) {
    const message = await ctx.services.messages.react(ctx, messageId, emoji);
    ctx.loaders.chat.reactions.clear(message.id);
    return message;
  }

  @FieldResolver(() => ID)
  conversationId(@Root() message: Message): string {
    return message.conversation.id;
  }

  @FieldResolver(() => User)
  author(@Root() message: Message): Promise<User> {
    return message.author.loadOrFail();
  }

  @FieldResolver(() => String, { nullable: true, description: 'Null once deleted.' })
  body(@Root() message: Message, @Ctx() ctx: Context): string | null {
    return ctx.services.messages.body(message);
  }

  @FieldResolver(() => Message, { nullable: true })
  async replyTo(@Root() message: Message): Promise<Message | null> {
    return message.replyTo ? message.replyTo.loadOrFail() : null;
  }

  @FieldResolver(() => [ReactionCount])
  reactions(@Root() message: Message, @Ctx() ctx: Context) {
    return ctx.loaders.chat.reactions.load(message.id);
  }

  @FieldResolver(() => String, {
    description:
      'Strictly increasing within a conversation; pass it as `after` to resume chatEvents.',
  })
  cursor(@Root() message: Message): string {
    return messageCursor(message.seq);
  }
}
