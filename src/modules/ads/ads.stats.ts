import { spentMinor } from './ads.money.js';
import type { CampaignStats } from './ads.types.js';

/** A campaign's figures from its row's counters and its reach. */
export function statsOf(
  c: { impressions: number; clicks: number; spentMicros: number; currency: string },
  reach: number,
  at: Date,
): CampaignStats {
  return {
    impressions: c.impressions,
    clicks: c.clicks,
    clickThroughRate: c.impressions ? c.clicks / c.impressions : 0,
    spent: { amountMinor: spentMinor(c.spentMicros), currency: c.currency },
    reach,
    at,
  };
}
