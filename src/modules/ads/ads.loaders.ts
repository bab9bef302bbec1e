import DataLoader from 'dataloader';
import type { Em } from '../../infra/db.js';
import type { AdsStore } from './ads.store.js';
import { Creative } from './creative.entity.js';

/** Per-request loaders of the ads feature: one statement (or round trip) per list. */
export function createAdsLoaders(em: Em, store: AdsStore) {
  return {
    creatives: new DataLoader<string, Creative[]>(async (ids) => {
      const rows = await em.find(
        Creative,
        { campaign: { $in: [...ids] } },
        { orderBy: { createdAt: 'asc', id: 'asc' } },
      );
      return ids.map((id) => rows.filter((c) => c.campaign.id === id));
    }),
    reach: new DataLoader<string, number>(async (ids) => {
      const counts = await store.reach(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type AdsLoaders = ReturnType<typeof createAdsLoaders>;
