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

/**
 * The process's one activity seam: features that report (`record`) need not know who
 * listens; listeners `add` themselves when their feature is built. Each batch goes to every
 * listener in the order they were added, one after the other.
 */
export class ActivityBus implements ActivitySink {
  private readonly sinks: ActivitySink[] = [];

  add(sink: ActivitySink): void {
    this.sinks.push(sink);
  }

  async record(em: Em, activities: readonly Activity[]): Promise<void> {
    if (!activities.length) return;
    for (const sink of this.sinks) await sink.record(em, activities);
  }
}

export const userActor = (userId: string) => `u:${userId}`;
