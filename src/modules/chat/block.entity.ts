import { Entity, Index, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { User } from '../accounts/index.js';

/** `blocker` blocked `blocked`: the latter may not open or write to a DIRECT with the former. */
@Entity({ tableName: 'blocks' })
@Index({ properties: ['blocked'] })
export class Block {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade' })
  blocker!: Ref<User>;

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade' })
  blocked!: Ref<User>;

  @Property({ type: Date, length: 3 })
  createdAt: Date = new Date();
}
