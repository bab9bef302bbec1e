import type { EntityClass } from '@mikro-orm/core';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { KeyPrincipal, Loaders } from './context.js';
import type { ActivityBus } from './infra/activity.js';
import type { DbKind, Em } from './infra/db.js';
import type { Logger } from './infra/logger.js';
import type { RuleMap } from './infra/permissions.js';
import type { PubSub } from './infra/pubsub.js';
import type { RateLimiter } from './infra/rate-limit.js';
import type { User } from './modules/accounts/user.entity.js';

/** What every feature's factory is handed: the process's infrastructure, nothing of features. */
export interface Infra {
  config: Config;
  db: DbKind;
  logger: Logger;
  pubsub: PubSub;
  limiter: RateLimiter;
  /** The command connection, when Redis is configured. */
  redis?: Redis;
  /** Activity seam: features report what users did; metrics and recommendations listen. */
  activity: ActivityBus;
  /** A fresh EntityManager, for work outside requests (background tasks). */
  fork(): Em;
  /** Open graphql-ws connections on this process (0 until the server listens). */
  connections(): number;
  /**
   * The server's public base URL, without a trailing slash: PUBLIC_URL, or this process's
   * own address once it listens (links the server hands out: checkout return pages).
   */
  baseUrl(): string;
  /**
   * Epoch milliseconds: `Date.now`, or the controllable clock a test passes to `startServer`.
   * Only the ads feature reads it (flights, pacing, token expiry); others keep `Date.now`.
   */
  now(): number;
}

/** Background work of a feature: started in list order once the server listens, stopped in reverse. */
export interface Task {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** Told when a signed-in graphql-ws connection opens and closes (chat presence). */
export interface ConnectionHooks {
  opened(userId: string, connectionId: string): Promise<void>;
  closed(userId: string, connectionId: string): Promise<void>;
}

/** How API keys authenticate (the partners feature): looked up on every request, never cached. */
export interface KeyAuthority {
  /** The key's principal and the user it acts as; UNAUTHENTICATED when unknown, revoked or expired. */
  authenticate(secret: string): Promise<{ principal: KeyPrincipal; userId: string }>;
  /** The ids among `keyIds` that no longer authenticate. */
  invalid(keyIds: readonly string[]): Promise<Set<string>>;
}

/** What a feature's factory returns. */
export interface Built<S> {
  /** The public services other features may `use`, and tests may reach through `MarqueeServer`. */
  services: S;
  /** Instances of the feature's resolver classes, constructed with the services they call. */
  resolvers: object[];
  /** Per-request (per-event in subscriptions) loaders, under the feature's key in `ctx.loaders`. */
  loaders?: (em: Em, viewer: User | null) => Partial<Loaders>;
  tasks?: Task[];
  connections?: ConnectionHooks;
  keys?: KeyAuthority;
  /** Plain HTTP routes of the feature (webhooks), mounted beside `/graphql`. */
  routes?: (app: Express) => void;
}

/** Another feature's public services, by its descriptor; only features listed earlier are built. */
export type Use = <T>(feature: Feature<T>) => T;

/**
 * A feature, whole: what `modules/<feature>/index.ts` exports. Adding a feature is a new
 * folder and one line in `src/features.ts`.
 */
export interface Feature<S = unknown> {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: Function[];
  rules: RuleMap;
  entities: EntityClass<object>[];
  create(infra: Infra, use: Use): Built<S>;
}

/** Type helper: `defineFeature({...})` keeps the services' type for `use`. */
export function defineFeature<S>(feature: Feature<S>): Feature<S> {
  return feature;
}
