import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

// Times are epoch milliseconds (and rollups epoch minutes): the ingestion statements are
// hand-written SQL shared by SQLite and PostgreSQL, and plain numbers compare and bind the
// same way on both.

/**
 * One accepted tracking event, kept for 25 hours: its key makes an event id count once
 * across processes and retries (ids are the client's, so they are scoped to the viewer).
 */
@Entity({ tableName: 'metric_events' })
@Index({ properties: ['receivedAt'] })
export class MetricEvent {
  @PrimaryKey({ type: 'string', length: 110 })
  viewerKey!: string;

  @PrimaryKey({ type: 'string', length: 100 })
  eventId!: string;

  @Property({ type: 'string', length: 8 })
  type!: string;

  @Property({ type: 'string', length: 36 })
  contentId!: string;

  @Property({ type: 'double' })
  value!: number;

  @Property({ type: new BigIntType('number') })
  occurredAt!: number;

  @Property({ type: new BigIntType('number') })
  receivedAt!: number;
}

/** When a viewer's view of a content last counted (the 30-minute rule). */
@Entity({ tableName: 'metric_view_marks' })
@Index({ properties: ['countedAt'] })
export class ViewMark {
  @PrimaryKey({ type: 'string', length: 110 })
  viewerKey!: string;

  @PrimaryKey({ type: 'string', length: 36 })
  contentId!: string;

  @Property({ type: new BigIntType('number') })
  countedAt!: number;
}

/** Per-minute totals of one metric for one content, or for the platform (`scope` '*'). */
@Entity({ tableName: 'metric_rollups' })
export class MetricRollup {
  @PrimaryKey({ type: 'string', length: 36 })
  scope!: string;

  @PrimaryKey({ type: 'string', length: 16 })
  metric!: string;

  @PrimaryKey({ type: 'integer' })
  minute!: number;

  @Property({ type: 'double' })
  value!: number;
}
