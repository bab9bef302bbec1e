import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import type { MessageService } from './message.service.js';
import { User } from '../accounts/index.js';
import { SendMessageInput } from './chat.inputs.js';
import { ReactionCount } from './chat.types.js';
import { messageCursor } from './chat.validation.js';
import { Message } from './message.entity.js';

@Resolver(() => Message)
export class MessageResolver {
  constructor(private readonly messages: MessageService) {}

  @Mutation(() => Message)
  sendMessage(@Arg('input', () => SendMessageInput) input: SendMessageInput, @Ctx() ctx: Context) {
    return this.messages.send(signedIn(ctx), input);
  }

  @Mutation(() => Message)
  editMessage(
    @Arg('id', () => ID) id: string,
    @Arg('body', () => String) body: string,
    @Ctx() ctx: Context,
  ) {
    return this.messages.edit(signedIn(ctx), id, body);
  }

  @Mutation(() => Message)
  deleteMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return this.messages.delete(signedIn(ctx), id);
  }

  @Mutation(() => Message, { description: "Toggles the viewer's reaction." })
  react(
    @Arg('messageId', () => ID) messageId: string,
    @Arg('emoji', () => String) emoji: string,
    @Ctx() ctx: Context,
  ) {
    return this.messages.react(signedIn(ctx), messageId, emoji);
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
  body(@Root() message: Message): string | null {
    return this.messages.body(message);
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
