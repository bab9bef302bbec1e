import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Content } from '../content/index.js';

export enum EventType {
  VIEW = 'VIEW',
  WATCH = 'WATCH',
  SHARE = 'SHARE',
}
registerEnumType(EventType, { name: 'EventType' });

export enum MetricWindow {
  LAST_MINUTE = 'LAST_MINUTE',
  LAST_5_MINUTES = 'LAST_5_MINUTES',
  LAST_HOUR = 'LAST_HOUR',
  LAST_24_HOURS = 'LAST_24_HOURS',
}
registerEnumType(MetricWindow, { name: 'MetricWindow' });

export enum MetricName {
  VIEWS = 'VIEWS',
  LIKES = 'LIKES',
  COMMENTS = 'COMMENTS',
  SHARES = 'SHARES',
  WATCH_SECONDS = 'WATCH_SECONDS',
  EVENTS = 'EVENTS',
  AD_IMPRESSIONS = 'AD_IMPRESSIONS',
  AD_CLICKS = 'AD_CLICKS',
}
registerEnumType(MetricName, {
  name: 'MetricName',
  valuesConfig: {
    EVENTS: {
      description:
        'Tracked events accepted (every type; duplicates and refusals excluded), by when they occurred',
    },
    AD_IMPRESSIONS: { description: "A campaign's accepted impressions (with campaignId)." },
    AD_CLICKS: { description: "A campaign's counted clicks (with campaignId)." },
  },
});

export enum Interval {
  MINUTE = 'MINUTE',
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(Interval, { name: 'Interval' });

@ObjectType({ description: 'An event of the batch that did not count, and why.' })
export class TrackRejection {
  @Field(() => Int, { description: 'Position of the event in `events`.' })
  index!: number;
  @Field(() => String, {
    description:
      'BAD_USER_INPUT for an invalid event; RATE_LIMITED for a VIEW or SHARE past the per-address limit for its content.',
  })
  code!: string;
  @Field(() => String)
  message!: string;
  @Field(() => String, {
    nullable: true,
    description: 'As `extensions.reason` of an error (`INVALID_INPUT`, `PER_CONTENT_LIMIT`).',
  })
  reason!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The input field at fault, as in a BAD_USER_INPUT error (`events[3].contentId`).',
  })
  field!: string | null;
}

@ObjectType()
export class TrackResult {
  @Field(() => Int, {
    description:
      'Events stored for the first time (a VIEW may still not count as a view: see docs/metrics.md).',
  })
  accepted!: number;
  @Field(() => Int, { description: 'Events whose id was seen before: counted once, already.' })
  duplicates!: number;
  @Field(() => [TrackRejection], {
    description:
      'Events that do not count, in index order: invalid ones, and views or shares of a content past what one client address may add in a window (docs/limits.md). The mutation succeeds for the others, so they come in the result, not as errors.',
  })
  rejected!: TrackRejection[];
}

@ObjectType()
export class MetricPoint {
  @Field(() => Date, { description: 'Start of the bucket (UTC).' })
  at!: Date;
  @Field(() => Float)
  value!: number;
}

@ObjectType({ description: 'All-time totals of one content, and who is watching it now.' })
export class ContentMetrics {
  @Field(() => ID)
  contentId!: string;
  @Field(() => Int)
  views!: number;
  @Field(() => Int)
  likes!: number;
  @Field(() => Int)
  comments!: number;
  @Field(() => Int)
  shares!: number;
  @Field(() => Float)
  watchSeconds!: number;
  @Field(() => Int, {
    description: 'Distinct viewers with a VIEW or WATCH event in the last 60 seconds.',
  })
  liveViewers!: number;
  @Field(() => Date, { description: 'When these figures were read.' })
  at!: Date;
}

@ObjectType()
export class PlatformMetrics {
  @Field(() => Int, { description: 'Distinct users with any activity in the last 5 minutes.' })
  activeUsers!: number;
  @Field(() => Float, { description: 'Tracked events per second over the last 10 seconds.' })
  eventsPerSecond!: number;
  @Field(() => Float)
  messagesPerMinute!: number;
  @Field(() => Int, { description: 'Open graphql-ws connections across every server process.' })
  liveConnections!: number;
  @Field(() => Date, { description: 'When these figures were read.' })
  at!: Date;
}

@ObjectType()
export class TrendingItem {
  @Field(() => Content)
  content!: Content;
  @Field(() => Float, {
    description: 'Time-decayed engagement in the window (formula in docs/metrics.md).',
  })
  score!: number;
  @Field(() => Int, { description: 'Counted views in the window.' })
  views!: number;
}
