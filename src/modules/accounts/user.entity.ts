import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum Role {
  USER = 'USER',
  MODERATOR = 'MODERATOR',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role' });

/** A person with an account. Email and password hash never leave the server unless a rule allows. */
@Entity({ tableName: 'users' })
@ObjectType()
export class User {
  [OptionalProps]?: 'role' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  /** Lower-cased; visible only to the user themself and admins (see accounts.rules.ts). */
  @Property({ type: 'string', length: 254, unique: true })
  @Field(() => String, {
    nullable: true,
    description:
      'Visible to the user themself and admins only; for anyone else it is null with a FORBIDDEN error.',
  })
  email!: string;

  @Property({ type: 'string', length: 255, hidden: true, lazy: true })
  passwordHash!: string;

  @Property({ type: 'string', length: 30, unique: true })
  @Field(() => String)
  handle!: string;

  @Property({ type: 'string', length: 100 })
  @Field(() => String)
  displayName!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  bio?: string | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  @Field(() => String, { nullable: true })
  avatarUrl?: string | null;

  // A plain column: MikroORM 6 misreads SQLite enum checks of 3+ items as schema drift.
  @Property({ type: 'string', length: 16 })
  @Field(() => Role)
  role: Role = Role.USER;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: Date, length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
