import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from '../accounts/index.js';
import { Message } from './message.entity.js';

/** One user's use of one emoji on one message: the composite primary key keeps it unique. */
@Entity({ tableName: 'reactions' })
export class Reaction {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Message, { primary: true, ref: true, deleteRule: 'cascade' })
  message!: Ref<Message>;

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @PrimaryKey({ type: 'string', length: 32 })
  emoji!: string;

  @Property({ type: Date, length: 3 })
  createdAt: Date = new Date();
}
