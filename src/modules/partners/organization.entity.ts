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
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../accounts/index.js';

export enum OrganizationRole {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}
registerEnumType(OrganizationRole, { name: 'OrganizationRole' });

/** A brand: its people (members with roles), its profile user (its content's author), its keys. */
@Entity({ tableName: 'organizations' })
@ObjectType()
export class Organization {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'string', length: 100 })
  @Field(() => String)
  name!: string;

  @Property({ type: 'string', length: 30, unique: true })
  @Field(() => String, {
    description: "Unique, lower case; also the handle of the organisation's profile user.",
  })
  slug!: string;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', unique: true })
  profile!: Ref<User>;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();
}

@Entity({ tableName: 'organization_members' })
@Unique({ properties: ['organization', 'user'] })
@Index({ properties: ['user'] })
@ObjectType()
export class OrganizationMember {
  [OptionalProps]?: 'addedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  // A plain column: MikroORM 6 misreads SQLite enum checks of 3+ items as schema drift.
  @Property({ type: 'string', length: 8 })
  @Field(() => OrganizationRole)
  role!: OrganizationRole;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  addedAt: Date = new Date();
}
