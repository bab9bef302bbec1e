import type { Config } from './config.js';
import type { Services } from './context.js';
import { dbKind, type Em } from './infra/db.js';
import { fanOutActivity } from './infra/activity.js';
import type { Logger } from './infra/logger.js';
import type { PubSub } from './infra/pubsub.js';
import type { RateLimiter } from './infra/rate-limit.js';
import { AccountsService, TokenService } from './modules/accounts/index.js';
import { ContentLiveService, ContentService, contentSearch } from './modules/content/index.js';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  memoryLiveStore,
  MetricsIngest,
  MetricsLive,
  MetricsReader,
  redisLiveStore,
} from './modules/metrics/index.js';
import {
  EngagementWriter,
  ModelStore,
  RecommendationService,
  TextStore,
} from './modules/recommendations/index.js';
import {
  ChatLiveService,
  ConversationService,
  memoryPresence,
  MessageCipher,
  MessageService,
  PresenceService,
  redisPresence,
  type ChatDeps,
} from './modules/chat/index.js';

/** The feature services of one process, wired to its infrastructure. */
export function createServices(
  config: Config,
  infra: {
    pubsub: PubSub;
    limiter: RateLimiter;
    logger: Logger;
    redis?: Redis;
    /** Open graphql-ws connections on this process. */
    connections?: () => number;
    /** A fresh EntityManager, for work outside requests (model builds). */
    fork: () => Em;
  },
): { services: Services; tokens: TokenService } {
  const tokens = new TokenService(config.jwtSecret, config.jwtTtlSeconds);
  const live = infra.redis ? redisLiveStore(infra.redis, config.redisPrefix) : memoryLiveStore();
  const engagement = new EngagementWriter(infra.logger);
  const metricsIngest = new MetricsIngest(live, infra.logger, engagement);
  const activity = fanOutActivity(metricsIngest, engagement);
  const content = new ContentService({
    pubsub: infra.pubsub,
    search: contentSearch(dbKind(config)),
    logger: infra.logger,
    activity,
  });
  const connections = infra.connections ?? (() => 0);
  const metrics = new MetricsReader(live, content, connections);
  const chat: ChatDeps = {
    pubsub: infra.pubsub,
    limiter: infra.limiter,
    cipher: new MessageCipher(config.chatEncryptionKeys),
    rates: config.chatRates,
    typingTtlMs: config.chatTypingTtlMs,
    logger: infra.logger,
    activity,
  };
  const recModels = new ModelStore(infra.fork, infra.logger, {
    rebuildMs: config.recsRebuildMs,
    pollMs: config.recsPollMs,
  });
  const recText = new TextStore(infra.pubsub, infra.logger, config.recsPollMs);
  return {
    tokens,
    services: {
      accounts: new AccountsService({
        tokens,
        limiter: infra.limiter,
        adminEmails: config.adminEmails,
        loginRateLimit: config.loginRateLimit,
        loginRateWindowSeconds: config.loginRateWindowSeconds,
      }),
      content,
      contentLive: new ContentLiveService(infra.pubsub, content),
      conversations: new ConversationService(chat),
      messages: new MessageService(chat),
      chatLive: new ChatLiveService(chat),
      presence: new PresenceService(
        infra.redis
          ? redisPresence(infra.redis, config.redisPrefix, config.chatPresenceTtlMs)
          : memoryPresence(),
        infra.pubsub,
        infra.logger,
        config.chatPresenceHeartbeatMs,
      ),
      metricsIngest,
      metrics,
      metricsLive: new MetricsLive(
        metrics,
        live,
        randomUUID(),
        connections,
        { tickMs: config.metricsTickMs, recheckMs: config.metricsRecheckMs },
        infra.logger,
      ),
      recommendations: new RecommendationService(recModels, recText, metrics, content),
      recModels,
      recText,
    },
  };
}
