import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum ConversationKind {
  DIRECT = 'DIRECT',
  GROUP = 'GROUP',
}
registerEnumType(ConversationKind, { name: 'ConversationKind' });

/**
 * A DIRECT conversation between two people or a GROUP. `lastSeq` is the sequence number of
 * its newest message, incremented in the transaction that stores each message; `directKey`
 * (the two member ids, sorted) makes the database refuse a second DIRECT between the same two.
 */
@Entity({ tableName: 'conversations' })
@Index({ properties: ['lastMessageAt', 'id'] })
@ObjectType()
export class Conversation {
  [OptionalProps]?: 'title' | 'directKey' | 'createdAt' | 'lastMessageAt' | 'lastSeq';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'string', length: 16 })
  @Field(() => ConversationKind)
  kind!: ConversationKind;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Property({ type: 'string', length: 80, nullable: true, unique: true })
  directKey?: string | null;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();

  /** The list position: creation time until the first message, then the latest message's. */
  @Property({ type: Date, length: 3 })
  lastMessageAt: Date = new Date();

  @Property({ type: 'integer', default: 0 })
  lastSeq: number = 0;
}

/** The unique key of the DIRECT conversation between two users. */
export function directKeyOf(a: string, b: string): string {
  return [a, b].sort().join(':');
}
