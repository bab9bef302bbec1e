import { randomUUID } from 'node:crypto';
import { defineFeature } from '../../feature.js';
import { scheduledTask } from '../../infra/scheduler.js';
import { content } from '../content/index.js';
import { MetricsLiveResolver } from './metrics-live.resolver.js';
import { MetricsLive } from './metrics-live.service.js';
import { MetricEvent, MetricRollup, ViewMark } from './metrics.entity.js';
import { MetricsIngest } from './metrics.ingest.js';
import { TrackLimits } from './metrics.limits.js';
import { MetricsResolver } from './metrics.resolver.js';
import { metricsRules } from './metrics.rules.js';
import { MetricsReader } from './metrics.service.js';
import { pruneEvents } from './metrics.sql.js';
import { SeriesSubjects } from './metrics.subjects.js';
import { memoryLiveStore } from './metrics.store-memory.js';
import { restoreWindows } from './metrics.restore.js';
import { redisLiveStore } from './metrics.store-redis.js';

export { MetricsReader } from './metrics.service.js';
export { MetricEvent, MetricRollup, ViewMark } from './metrics.entity.js';
export { EventType, MetricWindow, MetricName } from './metrics.types.js';
export { SeriesSubjects, type SeriesSubject } from './metrics.subjects.js';
export { Ticker } from './metrics.ticker.js';

/** Tracked events are kept this long for de-duplication (they are accepted up to 24 h late). */
const METRIC_EVENT_RETENTION_MS = 25 * 3600_000;
const PRUNE_INTERVAL_MS = 10 * 60_000;

export interface MetricsPublic {
  metrics: MetricsReader;
  /** `trackEvents`' ingestion: the seed sends its demo events through it. */
  tracking: MetricsIngest;
  /** Where later features provide series of their own subjects (ads: campaigns). */
  subjects: SeriesSubjects;
}

/** Metrics: tracked events, rollups, live figures, trending and the metric subscriptions. */
export const metrics = defineFeature<MetricsPublic>({
  name: 'metrics',
  resolvers: [MetricsResolver, MetricsLiveResolver],
  rules: metricsRules,
  entities: [MetricEvent, ViewMark, MetricRollup],
  create({ config, redis, limiter, logger, activity, connections, fork }, use) {
    const store = redis ? redisLiveStore(redis, config.redisPrefix) : memoryLiveStore();
    // Tracked events go to the activity seam too (recommendations learn from them).
    const { content: contentService, catalog } = use(content);
    const ingest = new MetricsIngest(
      catalog,
      store,
      logger,
      new TrackLimits(limiter, config.trackRates),
      fork,
      activity,
    );
    activity.add(ingest);
    const subjects = new SeriesSubjects();
    const reader = new MetricsReader(store, contentService, catalog, connections, subjects);
    const liveMetrics = new MetricsLive(
      reader,
      store,
      randomUUID(),
      connections,
      { tickMs: config.metricsTickMs, recheckMs: config.metricsRecheckMs },
      logger,
    );
    return {
      services: { metrics: reader, tracking: ingest, subjects },
      resolvers: [new MetricsResolver(ingest, reader), new MetricsLiveResolver(liveMetrics)],
      tasks: [
        {
          name: 'metrics live',
          start: async () => {
            if (!redis) {
              const restored = await restoreWindows(fork(), store, Date.now());
              if (restored) logger.info({ contents: restored }, 'trending restored from rollups');
            }
            liveMetrics.start(fork);
          },
          stop: () => liveMetrics.stop(),
        },
        scheduledTask(
          'metrics event pruning',
          () => pruneEvents(fork(), Date.now() - METRIC_EVENT_RETENTION_MS),
          PRUNE_INTERVAL_MS,
          logger,
        ),
      ],
    };
  },
});
