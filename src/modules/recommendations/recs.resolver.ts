import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Content } from '../content/index.js';
import { Recommendation } from './recs.types.js';
import type { RecommendationService } from './recs.service.js';

@Resolver()
export class RecommendationResolver {
  constructor(private readonly recommendations: RecommendationService) {}

  @Query(() => [Recommendation], {
    description:
      'Personal for a signed-in viewer (never their own content, nothing they already engaged with, nothing they may not read); trending and fresh content otherwise.',
  })
  recommendedContents(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<Recommendation[]> {
    return this.recommendations.recommended(ctx, first ?? 20);
  }

  @Query(() => [Content], { description: 'Published content most like this one, best first.' })
  similarContents(
    @Arg('contentId', () => ID) contentId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<Content[]> {
    return this.recommendations.similar(ctx, contentId, first ?? 10);
  }
}
