import { Entity, Index, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { User } from '../accounts/index.js';
import { Content } from './content.entity.js';

/** One like per user per content: the composite primary key enforces it. */
@Entity({ tableName: 'likes' })
@Index({ properties: ['content'] })
export class Like {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @ManyToOne(() => Content, { primary: true, ref: true, deleteRule: 'cascade' })
  content!: Ref<Content>;

  @Property({ type: Date, length: 3 })
  createdAt: Date = new Date();
}
