import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { ChatEvent } from './chat-events.types.js';

type ChatEventValue = typeof ChatEvent;

/** Subscriptions: authorised when the client subscribes and again for every event. */
@Resolver()
export class ChatLiveResolver {
  @Subscription(() => ChatEvent, {
    description:
      'Every event of one conversation, for its members. With `after` (a Message.cursor), the persisted messages after it are delivered first, in order, then live events: a client that reconnects with its last cursor misses nothing.',
    subscribe: ({ args, context }) =>
      (context as Context).services.chatLive.chatEvents(
        context as Context,
        String(args.conversationId),
        (args.after as string | null | undefined) ?? null,
      ),
  })
  chatEvents(
    @Root() event: ChatEventValue,
    @Arg('conversationId', () => ID) _conversationId: string,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): ChatEventValue {
    return event;
  }

  @Subscription(() => ChatEvent, {
    description: "New messages and receipts across all the viewer's conversations.",
    subscribe: ({ context }) =>
      (context as Context).services.chatLive.inboxEvents(context as Context),
  })
  inboxEvents(@Root() event: ChatEventValue): ChatEventValue {
    return event;
  }
}
