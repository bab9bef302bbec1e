export { Engagement, RecModelRow } from './recs.entity.js';
export { EngagementWriter } from './recs.signals.js';
export { ModelStore } from './recs.model-store.js';
export { TextStore } from './recs.text-store.js';
export { RecommendationService } from './recs.service.js';
export { RecommendationResolver } from './recs.resolver.js';
export { recommendationRules } from './recs.rules.js';
