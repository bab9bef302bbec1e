import { Entity, Index, ManyToOne, PrimaryKey, type Ref } from '@mikro-orm/core';
import { Content } from './content.entity.js';

/** One row per tag of a content, so `contents(filter: { tag })` is an indexed lookup. */
@Entity({ tableName: 'content_tags' })
@Index({ properties: ['tag', 'content'] })
export class ContentTag {
  @ManyToOne(() => Content, { primary: true, ref: true, deleteRule: 'cascade' })
  content!: Ref<Content>;

  @PrimaryKey({ type: 'string', length: 40 })
  tag!: string;
}
