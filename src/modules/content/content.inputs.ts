import { ArgsType, Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { ContentKind, ContentStatus } from './content.entity.js';
import { Visibility } from './content.access.js';

export enum ContentOrder {
  NEWEST = 'NEWEST',
  OLDEST = 'OLDEST',
  MOST_LIKED = 'MOST_LIKED',
  MOST_VIEWED = 'MOST_VIEWED',
}
registerEnumType(ContentOrder, { name: 'ContentOrder' });

@InputType()
export class MediaAssetInput {
  @Field(() => String, { description: 'An http(s) URL.' })
  url!: string;
  @Field(() => String, {
    description: 'Must match the kind: image/* for IMAGE, video/* for VIDEO.',
  })
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

@InputType()
export class CreateContentInput {
  @Field(() => ContentKind)
  kind!: ContentKind;
  @Field(() => String, { description: '1 to 200 characters.' })
  title!: string;
  @Field(() => String, { description: 'Up to 100 000 characters.' })
  body!: string;
  @Field(() => [String], {
    nullable: true,
    description: 'Trimmed, lower-cased and de-duplicated; at most 10 of at most 40 characters.',
  })
  tags?: string[] | null;
  @Field(() => [MediaAssetInput], { nullable: true })
  media?: MediaAssetInput[] | null;
  @Field(() => Visibility, { nullable: true, defaultValue: Visibility.PUBLIC })
  visibility?: Visibility | null;
  @Field(() => [ID], {
    nullable: true,
    description: "Required (non-empty, the author's own tiers) when visibility is TIERS.",
  })
  tierIds?: string[] | null;
}

@InputType()
export class UpdateContentInput {
  @Field(() => String, { nullable: true })
  title?: string | null;
  @Field(() => String, { nullable: true })
  body?: string | null;
  @Field(() => [String], { nullable: true })
  tags?: string[] | null;
  @Field(() => [MediaAssetInput], { nullable: true })
  media?: MediaAssetInput[] | null;
  @Field(() => Visibility, { nullable: true })
  visibility?: Visibility | null;
  @Field(() => [ID], {
    nullable: true,
    description: 'Replaces the tiers (visibility TIERS); keeps them when omitted.',
  })
  tierIds?: string[] | null;
}

@InputType({
  description:
    "Every field narrows the result; status other than PUBLISHED only returns the viewer's own content (moderators and admins see all).",
})
export class ContentFilter {
  @Field(() => ID, { nullable: true })
  authorId?: string | null;
  @Field(() => String, { nullable: true })
  tag?: string | null;
  @Field(() => ContentKind, { nullable: true })
  kind?: ContentKind | null;
  @Field(() => ContentStatus, { nullable: true })
  status?: ContentStatus | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'At most 100.' })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'An endCursor from a previous page.' })
  after?: string | null;
}

@ArgsType()
export class ContentsArgs extends PageArgs {
  @Field(() => ContentFilter, { nullable: true })
  filter?: ContentFilter | null;
  @Field(() => ContentOrder, { nullable: true, defaultValue: ContentOrder.NEWEST })
  orderBy?: ContentOrder | null;
}
