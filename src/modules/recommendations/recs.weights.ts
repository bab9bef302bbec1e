import type { Activity } from '../../infra/activity.js';

/**
 * The implicit-feedback weights and their decay: the one place they live (docs/recommendations.md
 * documents them). A like says more than a view; watching most of a video says about as
 * much as a like; a share says the most.
 */
export const SIGNAL_WEIGHTS = {
  view: 1,
  like: 4,
  comment: 5,
  share: 6,
  /** Times the share of the video watched (capped at 1); 2 minutes count as "all" of an article or image. */
  watch: 5,
} as const;

/** Engagement loses half its weight every 30 days. */
export const HALF_LIFE_MS = 30 * 24 * 3600_000;
/** Forward-decay epoch: stored scores are relative to it (2026-01-01T00:00:00Z). */
const EPOCH = Date.UTC(2026, 0, 1);

/** Bits of `Engagement.kinds`. */
export const KIND_BITS = { view: 1, like: 2, comment: 4, share: 8, watch: 16 } as const;
export type EngagementKind = keyof typeof KIND_BITS;

/** The stored (forward-decayed) form of a weight at time `at`. */
export const stored = (weight: number, at: number) => weight * 2 ** ((at - EPOCH) / HALF_LIFE_MS);
/** The weight, decayed to `now`, of a stored score. */
export const decayed = (score: number, now: number) => score * 2 ** (-(now - EPOCH) / HALF_LIFE_MS);

/** The weight of one activity (null: not a signal), given the content's duration when known. */
export function weightOf(
  a: Activity,
  durationSeconds: number | null,
): { kind: EngagementKind; weight: number } | null {
  switch (a.kind) {
    case 'view':
      return { kind: 'view', weight: SIGNAL_WEIGHTS.view };
    case 'like':
      return { kind: 'like', weight: SIGNAL_WEIGHTS.like };
    case 'unlike':
      return { kind: 'like', weight: -SIGNAL_WEIGHTS.like };
    case 'comment':
      return { kind: 'comment', weight: SIGNAL_WEIGHTS.comment };
    case 'share':
      return { kind: 'share', weight: SIGNAL_WEIGHTS.share };
    case 'watch': {
      const share = Math.min(
        1,
        (a.value ?? 0) / (durationSeconds && durationSeconds > 0 ? durationSeconds : 120),
      );
      return { kind: 'watch', weight: SIGNAL_WEIGHTS.watch * share };
    }
    default:
      return null; // messages, deleted comments: not about a content's appeal
  }
}
