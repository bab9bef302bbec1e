import { KIND_BITS } from './recs.weights.js';
import { RecommendationReason } from './recs.types.js';

/** The verb for what the viewer did with a content, strongest first. */
export function verbOf(kinds: number): string {
  if (kinds & KIND_BITS.like) return 'liked';
  if (kinds & KIND_BITS.share) return 'shared';
  if (kinds & KIND_BITS.comment) return 'commented on';
  if (kinds & KIND_BITS.watch) return 'watched';
  return 'viewed';
}

const quote = (title: string) => `“${title.length > 60 ? `${title.slice(0, 59)}…` : title}”`;

/** The one line shown with a recommendation. */
export function explain(
  reason: RecommendationReason,
  because: { title: string; kinds: number } | null,
  authorHandle: string,
): string {
  switch (reason) {
    case RecommendationReason.COLLABORATIVE:
      return because
        ? `People who ${verbOf(because.kinds)} ${quote(because.title)} also engaged with this`
        : 'Popular with people who like what you like';
    case RecommendationReason.SIMILAR_CONTENT:
      return because
        ? `Because you ${verbOf(because.kinds)} ${quote(because.title)}`
        : 'Close to what you engage with';
    case RecommendationReason.FROM_AUTHOR:
      return because
        ? `More from @${authorHandle}, whose ${quote(because.title)} you ${verbOf(because.kinds)}`
        : `More from @${authorHandle}`;
    case RecommendationReason.TRENDING:
      return 'Trending on Marquee right now';
    case RecommendationReason.FRESH:
      return 'New on Marquee';
  }
}
