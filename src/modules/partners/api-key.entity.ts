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
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ApiScope } from '../../infra/api-scopes.js';
import { User } from '../accounts/index.js';
import { Organization } from './organization.entity.js';

/**
 * An organisation's API key. Only a keyed hash of the whole key is stored (HMAC-SHA-256 with
 * a server secret: right for a high-entropy secret, where argon2 is for passwords); the
 * prefix, shown and logged, finds the row.
 */
@Entity({ tableName: 'api_keys' })
@Index({ properties: ['organization', 'createdAt'] })
@ObjectType()
export class ApiKey {
  [OptionalProps]?: 'createdAt' | 'expiresAt' | 'lastUsedAt' | 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @Property({ type: 'string', length: 100 })
  @Field(() => String)
  name!: string;

  @Property({ type: 'string', length: 32, unique: true })
  @Field(() => String, {
    description: "The key's first characters, safe to show and to log, e.g. mq_4f9c2a.",
  })
  prefix!: string;

  /** HMAC-SHA-256 of the whole key, hex. */
  @Property({ type: 'string', length: 64, hidden: true })
  hash!: string;

  @Property({ type: 'json' })
  @Field(() => [ApiScope])
  scopes!: ApiScope[];

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Requests per minute.' })
  rateLimitPerMinute!: number;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  createdBy!: Ref<User>;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: Date, length: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;

  /** Written at most once a minute per key. */
  @Property({ type: Date, length: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  lastUsedAt?: Date | null;

  @Property({ type: Date, length: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  revokedAt?: Date | null;
}
