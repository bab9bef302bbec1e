import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../../infra/pagination.js';
import { PerViewer } from '../../infra/shared-execution.js';
import { Conversation } from './conversation.entity.js';
import { Message } from './message.entity.js';

@ObjectType()
export class ConversationEdge {
  @Field(() => String)
  cursor!: string;
  @Field(() => Conversation)
  node!: Conversation;
}

@ObjectType({ description: 'Most recently active first.' })
export class ConversationConnection {
  @Field(() => [ConversationEdge])
  edges!: ConversationEdge[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType()
export class MessageEdge {
  @Field(() => String)
  cursor!: string;
  @Field(() => Message)
  node!: Message;
}

@ObjectType()
export class MessageConnection {
  @Field(() => [MessageEdge])
  edges!: MessageEdge[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType()
export class ReactionCount {
  @Field(() => String)
  emoji!: string;
  @Field(() => Int)
  count!: number;
  @PerViewer()
  @Field(() => Boolean)
  viewerReacted!: boolean;
}
