import type { Feature } from './feature.js';
import { accounts } from './modules/accounts/index.js';
import { ads } from './modules/ads/index.js';
import { chat } from './modules/chat/index.js';
import { content } from './modules/content/index.js';
import { memberships } from './modules/memberships/index.js';
import { metrics } from './modules/metrics/index.js';
import { partners } from './modules/partners/index.js';
import { recommendations } from './modules/recommendations/index.js';

/**
 * Every feature of the server, in build order: a feature may use those above it. Adding a
 * feature is its folder and one line here.
 */
export const features: readonly Feature[] = [
  accounts,
  content,
  memberships,
  partners,
  chat,
  metrics,
  ads,
  recommendations,
];

/** Every MikroORM entity (discovery does not scan folders). */
export const entities = features.flatMap((f) => f.entities);
