import type { Em } from './db.js';

/**
 * Something a user did that the platform counts: likes and comments (content), messages
 * (chat). Features report it after their write commits; the metrics feature counts it.
 * Features depend on this seam, not on each other.
 */
export interface Activity {
  kind: 'like' | 'unlike' | 'comment' | 'uncomment' | 'message';
  userId: string;
  contentId?: string;
  at: Date;
}

export interface ActivitySink {
  /** Never throws: a failure to count is logged, and never undoes the user's write. */
  record(em: Em, activity: Activity): Promise<void>;
}

export const ignoreActivity: ActivitySink = { record: async () => undefined };
