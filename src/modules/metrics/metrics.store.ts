import type { WindowSpec } from './metrics.windows.js';

/** Engagement of one content at one moment, already weighted for the trending score. */
export interface Engagement {
  contentId: string;
  at: number;
  score: number;
  views: number;
}

/** What one request (or one like, comment or message) adds to the live figures. */
export interface LiveRecord {
  /** Arrival time: the rates (events/s, messages/min) count by it. */
  now: number;
  /** Tracked events accepted (not duplicates). */
  events: number;
  /** Chat messages sent. */
  messages: number;
  /** Who did something, and when (active users). */
  actors: { key: string; at: number }[];
  /** VIEW and WATCH events (live viewers). */
  viewers: { contentId: string; key: string; at: number }[];
  engagement: Engagement[];
}

export interface PlatformFigures {
  activeUsers: number;
  eventsPerSecond: number;
  messagesPerMinute: number;
}

export interface Ranked {
  contentId: string;
  score: number;
  views: number;
}

/**
 * The live aggregates: in Redis when configured (every process reads the same figures),
 * otherwise in this process. Both keep the same semantics; the same tests run on both.
 * Durable totals are not here: they are in the database.
 */
export interface LiveStore {
  record(r: LiveRecord): Promise<void>;
  liveViewers(contentIds: string[], now: number): Promise<Map<string, number>>;
  platform(now: number): Promise<PlatformFigures>;
  /** The highest-scoring contents of a window, best first (scores may be ≤ 0: callers filter). */
  top(spec: WindowSpec, limit: number, now: number): Promise<Ranked[]>;
  /** This process holds `count` graphql-ws connections (a heartbeat: call it every few seconds). */
  reportConnections(processId: string, count: number, now: number): Promise<void>;
  connections(now: number): Promise<number>;
}

export const emptyRecord = (now: number): LiveRecord => ({
  now,
  events: 0,
  messages: 0,
  actors: [],
  viewers: [],
  engagement: [],
});
