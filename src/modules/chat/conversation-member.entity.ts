import { Entity, Index, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { User } from '../accounts/index.js';
import { Conversation } from './conversation.entity.js';

/**
 * Membership: active while `leftAt` is null. `lastReadSeq` is the read position, persisted
 * so unread counts are the same after any reconnect, on any process.
 */
@Entity({ tableName: 'conversation_members' })
@Index({ properties: ['user', 'leftAt'] })
@ObjectType()
export class ConversationMember {
  [OptionalProps]?: 'joinedAt' | 'leftAt' | 'lastReadSeq';

  @ManyToOne(() => Conversation, { primary: true, ref: true, deleteRule: 'cascade' })
  conversation!: Ref<Conversation>;

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  joinedAt: Date = new Date();

  @Property({ type: Date, length: 3, nullable: true })
  leftAt?: Date | null;

  @Property({ type: 'integer', default: 0 })
  lastReadSeq: number = 0;
}
