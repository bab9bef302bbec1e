import { createUnionType, Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/index.js';
import { Message } from './message.entity.js';

// The events of the `chatEvents` and `inboxEvents` subscriptions.

@ObjectType()
export class MessagePosted {
  @Field(() => Message)
  message!: Message;
}

@ObjectType({
  description: 'An edit, a deletion or a change of reactions; `message` is the new state.',
})
export class MessageUpdated {
  @Field(() => Message)
  message!: Message;
}

@ObjectType()
export class TypingChanged {
  @Field(() => ID)
  conversationId!: string;
  @Field(() => User)
  user!: User;
  @Field(() => Boolean)
  typing!: boolean;
}

@ObjectType()
export class ReadReceipt {
  @Field(() => ID)
  conversationId!: string;
  @Field(() => User)
  user!: User;
  @Field(() => String)
  lastReadCursor!: string;
}

@ObjectType()
export class PresenceChanged {
  @Field(() => ID)
  conversationId!: string;
  @Field(() => User)
  user!: User;
  @Field(() => Boolean)
  online!: boolean;
}

const EVENTS = [
  MessagePosted,
  MessageUpdated,
  TypingChanged,
  ReadReceipt,
  PresenceChanged,
] as const;

/** What `chatEvents` and `inboxEvents` deliver; members are told apart by class. */
export const ChatEvent = createUnionType({
  name: 'ChatEvent',
  types: () => EVENTS,
  resolveType: (value) => EVENTS.find((type) => value instanceof type)?.name,
});
