import { randomUUID } from 'node:crypto';
import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/index.js';
import { Conversation } from './conversation.entity.js';

/**
 * One message. `seq` orders it within its conversation (unique, gap-free, allocated with
 * the insert); the body is stored only encrypted (`ciphertext`, with the id of the key that
 * sealed it), and both are null once the message is deleted.
 */
@Entity({ tableName: 'messages' })
@Unique({ properties: ['conversation', 'seq'] })
@Unique({ properties: ['conversation', 'author', 'clientMessageId'] })
@Index({ properties: ['conversation', 'author', 'seq'] })
@ObjectType()
export class Message {
  [OptionalProps]?:
    'ciphertext' | 'keyId' | 'replyTo' | 'clientMessageId' | 'createdAt' | 'editedAt' | 'deletedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Conversation, { ref: true, deleteRule: 'cascade' })
  conversation!: Ref<Conversation>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  author!: Ref<User>;

  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: 'text', nullable: true })
  ciphertext?: string | null;

  @Property({ type: 'string', length: 32, nullable: true })
  keyId?: string | null;

  @ManyToOne(() => Message, { ref: true, nullable: true, deleteRule: 'set null' })
  replyTo?: Ref<Message> | null;

  @Property({ type: 'string', length: 100, nullable: true })
  clientMessageId?: string | null;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: Date, length: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  editedAt?: Date | null;

  @Property({ type: Date, length: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  deletedAt?: Date | null;
}
