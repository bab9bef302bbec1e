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
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../accounts/index.js';
import { Visibility } from './content.access.js';

export enum ContentKind {
  ARTICLE = 'ARTICLE',
  IMAGE = 'IMAGE',
  VIDEO = 'VIDEO',
}
registerEnumType(ContentKind, { name: 'ContentKind' });

export enum ContentStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ContentStatus, { name: 'ContentStatus' });

@ObjectType()
export class MediaAsset {
  @Field(() => String)
  url!: string;
  @Field(() => String)
  mimeType!: string;
  @Field(() => Int, { nullable: true })
  width?: number | null;
  @Field(() => Int, { nullable: true })
  height?: number | null;
  @Field(() => Float, { nullable: true })
  durationSeconds?: number | null;
  @Field(() => Int, { nullable: true })
  sizeBytes?: number | null;
}

/**
 * An article, image or video. `likeCount` and `commentCount` are kept in the same
 * transaction as the rows they count; `listedAt` is the feed position (publication time
 * once published, creation time before).
 */
@Entity({ tableName: 'contents' })
@Index({ properties: ['status', 'listedAt', 'id'] })
@Index({ properties: ['author', 'listedAt', 'id'] })
@Index({ properties: ['status', 'likeCount', 'id'] })
@Index({ properties: ['status', 'viewCount', 'id'] })
@Index({ properties: ['status', 'publishedAt'] })
@ObjectType()
export class Content {
  [OptionalProps]?:
    | 'tags'
    | 'media'
    | 'status'
    | 'createdAt'
    | 'updatedAt'
    | 'listedAt'
    | 'likeCount'
    | 'commentCount'
    | 'viewCount'
    | 'shareCount'
    | 'watchSeconds'
    | 'visibility'
    | 'tierIds'
    | 'preview';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  // A plain column: MikroORM 6 misreads SQLite enum checks of 3+ items as schema drift.
  @Property({ type: 'string', length: 16 })
  @Field(() => ContentKind)
  kind!: ContentKind;

  @Property({ type: 'string', length: 200 })
  @Field(() => String)
  title!: string;

  // `body` and `media` are resolved through the access rule (content.resolver.ts).
  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'json' })
  @Field(() => [String])
  tags: string[] = [];

  @Property({ type: 'json' })
  media: MediaAsset[] = [];

  @Property({ type: 'string', length: 16, default: Visibility.PUBLIC })
  @Field(() => Visibility)
  visibility: Visibility = Visibility.PUBLIC;

  /** For TIERS: the ids of the tiers whose members may read it (the memberships feature's). */
  @Property({ type: 'json', default: '[]' })
  tierIds: string[] = [];

  /** `previewOf(body)`, stored so that search can index it; null for rows older than it. */
  @Property({ type: 'text', nullable: true })
  preview?: string | null;

  // A plain column: MikroORM 6 misreads SQLite enum checks of 3+ items as schema drift.
  @Property({ type: 'string', length: 16 })
  @Field(() => ContentStatus)
  status: ContentStatus = ContentStatus.DRAFT;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  author!: Ref<User>;

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: Date, length: 3 })
  @Field(() => Date)
  updatedAt: Date = new Date();

  @Property({ type: Date, length: 3, nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'Set when published; for SCHEDULED content, the time it will be published.',
  })
  publishedAt?: Date | null;

  @Property({ type: Date, length: 3 })
  listedAt: Date = new Date();

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int)
  likeCount: number = 0;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int)
  commentCount: number = 0;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int, {
    description: 'Counted views, all time (the counting rules are in docs/metrics.md).',
  })
  viewCount: number = 0;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int, { description: 'SHARE events, all time.' })
  shareCount: number = 0;

  @Property({ type: 'double', default: 0 })
  @Field(() => Float, { description: 'Seconds watched, summed over WATCH events, all time.' })
  watchSeconds: number = 0;
}
