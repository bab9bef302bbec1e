import { defineFeature } from '../../feature.js';
import { content } from '../content/index.js';
import { metrics } from '../metrics/index.js';
import { Engagement, RecModelRow } from './recs.entity.js';
import { ModelStore } from './recs.model-store.js';
import { RecommendationResolver } from './recs.resolver.js';
import { recommendationRules } from './recs.rules.js';
import { RecommendationService } from './recs.service.js';
import { EngagementWriter } from './recs.signals.js';
import { TextStore } from './recs.text-store.js';

export interface RecommendationsPublic {
  recommendations: RecommendationService;
  /** The collaborative model: benchmarks rebuild it on demand. */
  models: ModelStore;
}

/** Recommendations: engagement signals, the collaborative model, text similarity, serving. */
export const recommendations = defineFeature<RecommendationsPublic>({
  name: 'recommendations',
  resolvers: [RecommendationResolver],
  rules: recommendationRules,
  entities: [Engagement, RecModelRow],
  create({ config, logger, pubsub, activity, fork }, use) {
    const { content: contentService, catalog } = use(content);
    const models = new ModelStore(fork, logger, {
      rebuildMs: config.recsRebuildMs,
      pollMs: config.recsPollMs,
      early: config.recsEarlyRebuild,
    });
    activity.add(new EngagementWriter(catalog, logger, (events) => models.recorded(events)));
    const text = new TextStore(catalog, pubsub, logger, config.recsPollMs);
    const service = new RecommendationService(
      models,
      text,
      use(metrics).metrics,
      contentService,
      catalog,
    );
    return {
      services: { recommendations: service, models },
      resolvers: [new RecommendationResolver(service)],
      tasks: [
        {
          name: 'recommendations text index',
          start: () => text.start(fork),
          stop: () => text.stop(),
        },
        { name: 'recommendations model', start: () => models.start(), stop: () => models.stop() },
      ],
    };
  },
});
