import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * How much one viewer (user `u:<id>` or anonymous `a:<id>`) engaged with one content: one
 * row per pair, updated by an additive upsert. `score` is forward-decayed (each signal is
 * stored as weight × 2^((t − epoch) / half-life)), so adding needs no read and decaying
 * to any moment is one multiplication (see recs.weights.ts).
 */
@Entity({ tableName: 'rec_engagements' })
@Index({ properties: ['contentId'] })
export class Engagement {
  @PrimaryKey({ type: 'string', length: 110 })
  viewerKey!: string;

  @PrimaryKey({ type: 'string', length: 36 })
  contentId!: string;

  @Property({ type: 'double' })
  score!: number;

  /** Bit flags of the kinds of engagement seen (KIND_BITS): for "because you liked …". */
  @Property({ type: 'integer' })
  kinds!: number;

  @Property({ type: new BigIntType('number') })
  lastAt!: number;
}

/** A built model, shared by every process: the newest `builtAt` wins. */
@Entity({ tableName: 'rec_models' })
export class RecModelRow {
  @PrimaryKey({ type: 'string', length: 32 })
  name!: string;

  @Property({ type: new BigIntType('number') })
  builtAt!: number;

  /** Until when a process has claimed the next build (so only one builds at a time). */
  @Property({ type: new BigIntType('number') })
  buildingUntil!: number;

  @Property({ type: 'text' })
  data!: string;

  /**
   * Engagement events recorded since the table began, added up by every process (each adds
   * what it recorded at each poll): how much has changed since a build, for an early rebuild.
   */
  @Property({ type: new BigIntType('number'), default: 0 })
  events: number = 0;
}
