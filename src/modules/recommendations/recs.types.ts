import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Content } from '../content/index.js';

export enum RecommendationReason {
  COLLABORATIVE = 'COLLABORATIVE',
  SIMILAR_CONTENT = 'SIMILAR_CONTENT',
  FROM_AUTHOR = 'FROM_AUTHOR',
  TRENDING = 'TRENDING',
  FRESH = 'FRESH',
}
registerEnumType(RecommendationReason, {
  name: 'RecommendationReason',
  valuesConfig: {
    COLLABORATIVE: {
      description: 'Users who engaged with what the viewer engaged with also engaged with this.',
    },
    SIMILAR_CONTENT: {
      description: 'Close in words and tags to something the viewer liked or watched.',
    },
    FROM_AUTHOR: { description: 'From an author whose content the viewer engaged with.' },
  },
});

@ObjectType()
export class Recommendation {
  @Field(() => Content)
  content!: Content;

  @Field(() => Float, { description: 'Relative strength of the recommendation (higher first).' })
  score!: number;

  @Field(() => RecommendationReason)
  reason!: RecommendationReason;

  @Field(() => String, {
    description: "One line for people, e.g. 'Because you liked “Sunset timelapse”'.",
  })
  explanation!: string;

  @Field(() => Content, {
    nullable: true,
    description: 'The content that led to this recommendation, when there is one.',
  })
  becauseOf?: Content | null;
}
