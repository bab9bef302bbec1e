// The operations the dashboard sends, with the shapes of their results
// (see ../shared/contract/10-base.graphql and 30-metrics.graphql).

export interface AuthPayload {
  token: string;
  expiresAt: string;
  user: { id: string; handle: string; role: 'USER' | 'MODERATOR' | 'ADMIN' };
}

export interface PlatformMetrics {
  activeUsers: number;
  eventsPerSecond: number;
  messagesPerMinute: number;
  liveConnections: number;
  at: string;
}

export interface TrendingItem {
  score: number;
  views: number;
  content: { id: string; title: string; author: { handle: string } };
}

export interface ContentMetrics {
  contentId: string;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  watchSeconds: number;
  liveViewers: number;
  at: string;
}

export const LOG_IN = `mutation DashboardLogIn($input: LogInInput!) {
  logIn(input: $input) { token expiresAt user { id handle role } }
}`;

export const PLATFORM_METRICS = `subscription DashboardPlatform {
  platformMetrics { activeUsers eventsPerSecond messagesPerMinute liveConnections at }
}`;

const TRENDING_FIELDS = 'score views content { id title author { handle } }';
/** The list as it stands: the subscription only speaks when it changes. */
/** Accepted events per minute, platform-wide: the events chart's history. */
export const EVENT_HISTORY = `query DashboardEventHistory($from: DateTime!, $to: DateTime!) {
  metricSeries(metric: EVENTS, interval: MINUTE, from: $from, to: $to) { at value }
}`;

export interface SeriesPoint {
  at: string;
  value: number;
}

export const TRENDING = `query DashboardTrending($first: Int!) {
  trending(window: LAST_HOUR, first: $first) { ${TRENDING_FIELDS} }
}`;
export const TRENDING_CHANGED = `subscription DashboardTrendingChanged($first: Int!) {
  trendingChanged(window: LAST_HOUR, first: $first) { ${TRENDING_FIELDS} }
}`;

export const CONTENT_TITLE = `query DashboardContentTitle($id: ID!) {
  content(id: $id) { id title author { handle } }
}`;

export const CONTENT_METRICS = `subscription DashboardContent($contentId: ID!) {
  contentMetrics(contentId: $contentId) {
    contentId views likes comments shares watchSeconds liveViewers at
  }
}`;
