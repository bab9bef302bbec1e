import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A provider event already processed: inserted in the transaction that applies it, so a
 * retried (or concurrently redelivered) event id is applied once.
 */
@Entity({ tableName: 'billing_events' })
export class BillingEvent {
  @PrimaryKey({ type: 'string', length: 255 })
  id!: string;

  @Property({ type: 'string', length: 100 })
  type!: string;

  @Property({ type: Date, length: 3 })
  receivedAt: Date = new Date();
}
