import type { ContainerType } from 'type-graphql';
import type { ContextFactory, Loaders } from './context.js';
import type { Built, ConnectionHooks, Feature, Infra, Task } from './feature.js';
import type { Redis } from 'ioredis';
import type { Express } from 'express';
import type { Config } from './config.js';
import { ActivityBus } from './infra/activity.js';
import { dbKind, type Em, type Orm } from './infra/db.js';
import type { Logger } from './infra/logger.js';
import { PubSub } from './infra/pubsub.js';
import { memoryRateLimiter, redisRateLimiter } from './infra/rate-limit.js';
import { connectRedis } from './infra/redis.js';
import { badInput, unauthenticated } from './errors.js';
import { accounts } from './modules/accounts/index.js';

/**
 * The features of one process, built in list order: each factory may `use` the public
 * services of features before it (and only those), so the dependency graph is the list's
 * order and cannot loop.
 */
export interface App {
  /** The public services of a built feature. */
  use<T>(feature: Feature<T>): T;
  /** Resolver instances by class: type-graphql's `container`. */
  container: ContainerType;
  contexts: ContextFactory;
  /** Every feature's background tasks, in list order. */
  tasks: Task[];
  connections: ConnectionHooks;
  /** Mounts every feature's HTTP routes. */
  routes(app: Express): void;
}

export function assemble(features: readonly Feature[], infra: Infra, orm: Orm): App {
  const built = new Map<Feature, Built<unknown>>();
  const use = <T>(feature: Feature<T>): T => {
    const parts = built.get(feature as Feature);
    if (!parts) {
      throw new Error(`Feature ${feature.name} is used before it is built: list it earlier`);
    }
    return parts.services as T;
  };
  for (const feature of features) {
    if (built.has(feature)) throw new Error(`Feature ${feature.name} is listed twice`);
    built.set(feature, feature.create(infra, use));
  }
  const parts = [...built.values()];

  const instances = new Map<unknown, object>();
  for (const p of parts) for (const r of p.resolvers) instances.set(r.constructor, r);
  for (const feature of features) {
    for (const resolver of feature.resolvers as (new () => object)[]) {
      if (instances.has(resolver)) continue;
      // A resolver whose constructor takes services must be built by its feature's factory.
      if (resolver.length > 0) {
        throw new Error(`Feature ${feature.name} builds no instance of ${resolver.name}`);
      }
      instances.set(resolver, new resolver());
    }
  }
  const container: ContainerType = {
    get(someClass: unknown) {
      const instance = instances.get(someClass);
      if (!instance) throw new Error(`No resolver instance for ${String(someClass)}`);
      return instance;
    },
  };

  const loaderFactories = parts.flatMap((p) => (p.loaders ? [p.loaders] : []));
  const hooks = parts.flatMap((p) => (p.connections ? [p.connections] : []));
  const { tokens } = use(accounts);
  const keys = parts.find((p) => p.keys)?.keys;
  const viewerIdFrom = (authorization: unknown) => {
    if (
      authorization !== undefined &&
      authorization !== null &&
      typeof authorization !== 'string'
    ) {
      throw unauthenticated('authorization must be a string');
    }
    return tokens.verifyHeader(authorization);
  };
  return {
    use,
    routes(app) {
      for (const p of parts) p.routes?.(app);
    },
    container,
    tasks: parts.flatMap((p) => p.tasks ?? []),
    contexts: {
      orm,
      logger: infra.logger,
      loaders: (em, viewer) =>
        Object.assign({}, ...loaderFactories.map((make) => make(em, viewer))) as Loaders,
      async authenticate({ authorization, apiKey }) {
        const given = apiKey !== undefined && apiKey !== null && apiKey !== '';
        if (!given) return { viewerId: await viewerIdFrom(authorization), apiKey: null };
        if (authorization) throw badInput('x-api-key', 'send an API key or a token, not both');
        if (typeof apiKey !== 'string' || !keys) throw unauthenticated('Unknown API key');
        const { principal, userId } = await keys.authenticate(apiKey);
        return { viewerId: userId, apiKey: principal };
      },
      async meterKey(key) {
        const d = await infra.limiter.hit('apikey', key.id, key.rateLimitPerMinute, 60);
        return {
          allowed: d.allowed,
          limit: key.rateLimitPerMinute,
          remaining: d.remaining,
          resetSeconds: d.retryAfter,
        };
      },
      invalidKeys: (ids) => (keys ? keys.invalid(ids) : Promise.resolve(new Set(ids))),
    },
    connections: {
      async opened(userId, connectionId) {
        for (const h of hooks) await h.opened(userId, connectionId);
      },
      async closed(userId, connectionId) {
        for (const h of hooks) await h.closed(userId, connectionId);
      },
    },
  };
}

/** The infrastructure of one process, and how to release it (after every task has stopped). */
export function createInfra(
  config: Config,
  logger: Logger,
  orm: Orm,
  connections: () => number = () => 0,
  address: () => string | null = () => null,
  now: () => number = Date.now,
): Infra & { close(): Promise<void> } {
  let redis: Redis | undefined;
  let pubsub: PubSub;
  if (config.redisUrl) {
    redis = connectRedis(config.redisUrl, 'command', logger);
    pubsub = PubSub.redis(
      // Requests publish: a command connection, so an outage fails the publish (logged, the
      // write stands) rather than holding the request until Redis returns.
      connectRedis(config.redisUrl, 'command', logger),
      connectRedis(config.redisUrl, 'subscriber', logger),
      config.redisPrefix,
    );
  } else {
    pubsub = PubSub.memory();
  }
  return {
    config,
    db: dbKind(config),
    logger,
    pubsub,
    redis,
    limiter: redis ? redisRateLimiter(redis, config.redisPrefix) : memoryRateLimiter(),
    activity: new ActivityBus(),
    fork: () => orm.em.fork() as Em,
    connections,
    now,
    baseUrl: () => config.billing.publicUrl ?? address() ?? `http://localhost:${config.port}`,
    async close() {
      await pubsub.close();
      // quit() fails while Redis is unreachable, and the connection would go on
      // reconnecting (keeping the process alive) unless it is dropped.
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}
