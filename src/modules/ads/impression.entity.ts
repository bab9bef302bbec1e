import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One accepted impression, keyed by its token's id: the primary key is what makes a token
 * count once across processes. `clickedAt` is set once, conditionally (the click's rule).
 * Times are epoch milliseconds, as the hand-written statements bind them on both databases.
 */
@Entity({ tableName: 'ad_impressions' })
@Index({ properties: ['campaignId', 'at'] })
export class AdImpression {
  @PrimaryKey({ type: 'string', length: 32 })
  tokenId!: string;

  @Property({ type: 'uuid' })
  campaignId!: string;

  @Property({ type: 'uuid' })
  creativeId!: string;

  @Property({ type: 'string', length: 110 })
  viewerKey!: string;

  @Property({ type: new BigIntType('number') })
  at!: number;

  @Property({ type: new BigIntType('number'), nullable: true })
  clickedAt?: number | null;
}
