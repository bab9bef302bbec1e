/**
 * What ads count per viewer, outside the database: frequency caps (impressions of a
 * campaign to one viewer in a rolling window) and reach (distinct viewers of a campaign).
 * In Redis when configured (shared by every process), otherwise in this process; the same
 * tests run on both.
 */
export interface AdsStore {
  /** For each `{campaignId, windowMs}`: impressions to `viewerKey` in the window ending at `now`. */
  capCounts(
    viewerKey: string,
    caps: readonly { campaignId: string; windowMs: number }[],
    now: number,
  ): Promise<number[]>;
  /** An accepted impression: counts towards the cap (when the campaign has one) and reach. */
  recordImpression(i: {
    campaignId: string;
    viewerKey: string;
    tokenId: string;
    at: number;
    capWindowMs: number | null;
  }): Promise<void>;
  reach(campaignIds: readonly string[]): Promise<Map<string, number>>;
}

/** Distinct viewers an in-process reach set holds per campaign; past it, reach is a lower bound. */
export const MAX_EXACT_REACH = 100_000;
/** (campaign, viewer) cap entries the in-process store keeps; the oldest go first. */
export const MAX_CAP_KEYS = 200_000;

/** The in-process store: exact, bounded (see the constants), lost on restart. */
export function memoryAdsStore(): AdsStore {
  const caps = new Map<string, number[]>();
  const viewers = new Map<string, Set<string>>();
  return {
    async capCounts(viewerKey, list, now) {
      return list.map(({ campaignId, windowMs }) => {
        const times = caps.get(`${campaignId}|${viewerKey}`) ?? [];
        return times.filter((t) => t > now - windowMs).length;
      });
    },
    async recordImpression({ campaignId, viewerKey, at, capWindowMs }) {
      if (capWindowMs !== null) {
        const key = `${campaignId}|${viewerKey}`;
        const kept = (caps.get(key) ?? []).filter((t) => t > at - capWindowMs);
        kept.push(at);
        caps.delete(key); // re-inserted last: the Map's order is the eviction order
        caps.set(key, kept);
        if (caps.size > MAX_CAP_KEYS) caps.delete(caps.keys().next().value!);
      }
      let set = viewers.get(campaignId);
      if (!set) viewers.set(campaignId, (set = new Set()));
      if (set.size < MAX_EXACT_REACH) set.add(viewerKey);
    },
    async reach(ids) {
      return new Map(ids.map((id) => [id, viewers.get(id)?.size ?? 0]));
    },
  };
}
