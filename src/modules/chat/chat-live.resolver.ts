import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { signedIn } from '../../context.js';
import { subscribeThrough } from '../../live.js';
import type { ChatLiveService } from './chat-live.service.js';
import { ChatEvent } from './chat-events.types.js';

type ChatEventValue = typeof ChatEvent;

/** Subscriptions: authorised when the client subscribes and again for every event. */
@Resolver()
export class ChatLiveResolver {
  constructor(readonly live: ChatLiveService) {}

  @Subscription(() => ChatEvent, {
    description:
      'Every event of one conversation, for its members. With `after` (a Message.cursor), the persisted messages after it are delivered first, in order, then live events: a client that reconnects with its last cursor misses nothing.',
    subscribe: subscribeThrough(ChatLiveResolver, (r, args, ctx) =>
      r.live.chatEvents(
        signedIn(ctx),
        String(args.conversationId),
        (args.after as string | null | undefined) ?? null,
      ),
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
    subscribe: subscribeThrough(ChatLiveResolver, (r, _args, ctx) =>
      r.live.inboxEvents(signedIn(ctx)),
    ),
  })
  inboxEvents(@Root() event: ChatEventValue): ChatEventValue {
    return event;
  }
}
