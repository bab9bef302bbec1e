import { defineFeature } from '../../feature.js';
import { content } from '../content/index.js';
import { memberships } from '../memberships/index.js';
import { metrics } from '../metrics/index.js';
import { partners } from '../partners/index.js';
import { ActiveCampaigns } from './ads.cache.js';
import { CampaignStatsLive } from './ads.live.js';
import { createAdsLoaders, type AdsLoaders } from './ads.loaders.js';
import { CampaignResolver, CampaignStatsResolver } from './ads.resolver.js';
import { adsRules } from './ads.rules.js';
import { AdServing } from './ads.serving.js';
import { CampaignsService } from './ads.service.js';
import { memoryAdsStore } from './ads.store.js';
import { redisAdsStore } from './ads.store-redis.js';
import { ImpressionTokens } from './ads.token.js';
import { AdTracking } from './ads.tracking.js';
import { adsTasks } from './ads.tasks.js';
import { Campaign } from './campaign.entity.js';
import { Creative } from './creative.entity.js';
import { AdImpression } from './impression.entity.js';

export { Campaign } from './campaign.entity.js';
export { Creative } from './creative.entity.js';
export { AdImpression } from './impression.entity.js';
export { ActiveCampaigns, ranked, type CachedCampaign } from './ads.cache.js';

declare module '../../context.js' {
  interface Loaders {
    ads: AdsLoaders;
  }
}

export interface AdsPublic {
  campaigns: CampaignsService;
  /** The campaigns this process serves (benchmarks and tests read it). */
  cache: ActiveCampaigns;
}

/**
 * Ads: organisations' campaigns and creatives, served from a per-process cache beside
 * content, charged per tracked impression within a budget that holds across processes,
 * paced, frequency-capped per viewer; live stats and series of impressions and clicks.
 */
export const ads = defineFeature<AdsPublic>({
  name: 'ads',
  resolvers: [CampaignResolver, CampaignStatsResolver],
  rules: adsRules,
  entities: [Campaign, Creative, AdImpression],
  create({ config, redis, pubsub, limiter, logger, fork, now }, use) {
    const { organizations } = use(partners);
    const { subjects } = use(metrics);
    const store = redis ? redisAdsStore(redis, config.redisPrefix) : memoryAdsStore();
    const tokens = new ImpressionTokens(config.ads.tokenSecret);
    const cache = new ActiveCampaigns(logger);
    const campaigns = new CampaignsService(organizations, pubsub, logger, now, {
      reload: (id) => cache.load(fork(), [id]),
    });
    const serving = new AdServing({
      cache,
      store,
      tokens,
      content: use(content).content,
      perks: use(memberships).perks,
      now,
    });
    const tracking = new AdTracking({
      cache,
      store,
      tokens,
      limiter,
      ratePerViewer: config.ads.trackRatePerViewer,
      subjects,
      pubsub,
      logger,
      now,
    });
    const live = new CampaignStatsLive(
      campaigns,
      organizations,
      store,
      { tickMs: config.ads.tickMs, recheckMs: config.ads.recheckMs },
      logger,
    );
    subjects.provide('campaign', {
      metrics: ['AD_IMPRESSIONS', 'AD_CLICKS'],
      authorize: async (actor, id) => (await campaigns.visible(actor, id)).id,
    });
    return {
      services: { campaigns, cache },
      resolvers: [
        new CampaignResolver(campaigns, serving, tracking),
        new CampaignStatsResolver(live),
      ],
      loaders: (em) => ({ ads: createAdsLoaders(em, store) }),
      tasks: adsTasks({ cache, live, pubsub, fork, logger, now, refreshMs: config.ads.refreshMs }),
    };
  },
});
