import type { Em } from './db.js';

/**
 * Something a user did that the platform learns from or counts: likes and comments
 * (content), messages (chat), views, watch time and shares (tracked events). Features
 * report it after their write commits; metrics and recommendations consume it. Features
 * depend on this seam, not on each other.
 */
export interface Activity {
  kind: 'like' | 'unlike' | 'comment' | 'uncomment' | 'message' | 'view' | 'watch' | 'share';
  /** Who: `u:<user id>` for a user, `a:<anonymous id>` for an anonymous client. */
  actor: string;
  contentId?: string;
  /** `watch`: seconds watched. */
  value?: number;
  at: Date;
}

export interface ActivitySink {
  /** Never throws: a failure is logged, and never undoes the user's write. */
  record(em: Em, activities: readonly Activity[]): Promise<void>;
}

export const ignoreActivity: ActivitySink = { record: async () => undefined };

/** One sink that hands every batch to each of `sinks`, one after the other. */
export function fanOutActivity(...sinks: ActivitySink[]): ActivitySink {
  return {
    async record(em, activities) {
      for (const sink of sinks) await sink.record(em, activities);
    },
  };
}

export const userActor = (userId: string) => `u:${userId}`;
