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
import { Campaign } from './campaign.entity.js';

/** What a viewer is shown of a campaign. Never changes once added. */
@Entity({ tableName: 'ad_creatives' })
@Index({ properties: ['campaign', 'createdAt'] })
@ObjectType()
export class Creative {
  [OptionalProps]?: 'createdAt' | 'body' | 'imageUrl';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Campaign, { ref: true, deleteRule: 'cascade' })
  campaign!: Ref<Campaign>;

  @Property({ type: 'string', length: 120 })
  @Field(() => String)
  headline!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  body?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  imageUrl?: string | null;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'http or https only.' })
  clickUrl!: string;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();
}
