import { randomUUID } from 'node:crypto';
import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/index.js';
import { Content } from './content.entity.js';

@Entity({ tableName: 'comments' })
@Index({ properties: ['content', 'createdAt', 'id'] })
@ObjectType()
export class Comment {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Content, { ref: true, deleteRule: 'cascade' })
  content!: Ref<Content>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  author!: Ref<User>;

  @Property({ type: 'text' })
  @Field(() => String)
  body!: string;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();
}
