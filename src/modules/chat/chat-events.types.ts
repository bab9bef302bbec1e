import { GraphQLSchema, GraphQLUnionType, type GraphQLObjectType } from 'graphql';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/index.js';
import { Message } from './message.entity.js';

// The events of the `chatEvents` and `inboxEvents` subscriptions, declared ahead of them
// so the schema already matches the contract's chat types.

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

const EVENTS = [MessagePosted, MessageUpdated, TypingChanged, ReadReceipt, PresenceChanged];

/** Object types that no field reaches yet: buildSchema's `orphanedTypes`. */
export const chatEventTypes = [...EVENTS];

/**
 * Adds the `ChatEvent` union to a built schema. type-graphql emits a union only when a
 * field returns it, and no field does until the subscriptions arrive; they should declare
 * it with `createUnionType` (telling members apart with `instanceof`) and drop this step.
 */
export function withChatEventUnion(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const union = new GraphQLUnionType({
    name: 'ChatEvent',
    types: EVENTS.map((type) => schema.getType(type.name) as GraphQLObjectType),
    resolveType: (value: object) => EVENTS.find((type) => value instanceof type)?.name,
  });
  return new GraphQLSchema({ ...config, types: [...config.types, union] });
}
