import type { Em, Orm } from './infra/db.js';
import type { Logger } from './infra/logger.js';
import { unauthenticated, type AppError } from './errors.js';
import { User, type AccountsService, type TokenService } from './modules/accounts/index.js';
import {
  createContentLoaders,
  type ContentLiveService,
  type ContentLoaders,
  type ContentService,
} from './modules/content/index.js';
import {
  createChatLoaders,
  type ChatLiveService,
  type ChatLoaders,
  type ConversationService,
  type MessageService,
  type PresenceService,
} from './modules/chat/index.js';
import type { MetricsIngest, MetricsLive, MetricsReader } from './modules/metrics/index.js';

export interface Services {
  accounts: AccountsService;
  content: ContentService;
  contentLive: ContentLiveService;
  conversations: ConversationService;
  messages: MessageService;
  chatLive: ChatLiveService;
  presence: PresenceService;
  metricsIngest: MetricsIngest;
  metrics: MetricsReader;
  metricsLive: MetricsLive;
}

export interface Loaders {
  content: ContentLoaders;
  chat: ChatLoaders;
}

/**
 * What every resolver gets. Over HTTP it lives for one request; over graphql-ws for one
 * subscription, where `renew()` gives each event a fresh EntityManager and loaders.
 */
export interface Context {
  viewer: User | null;
  em: Em;
  loaders: Loaders;
  services: Services;
  requestId: string;
  clientAddress: string;
  /** The client's own id from the `x-anonymous-id` header: how anonymous clients are counted. */
  anonymousId: string | null;
  logger: Logger;
  /**
   * Errors reported beside data: the operation succeeded, but part of the input was
   * refused (trackEvents' invalid events). Sent in the response's `errors`, at `path`.
   */
  partialErrors: { error: AppError; path: string[]; extra: Record<string, unknown> }[];
  reportPartial(
    this: Context,
    error: AppError,
    path: string[],
    extra?: Record<string, unknown>,
  ): void;
  renew(this: Context): void;
  /** After signing up or in: the rest of the response is resolved for this user. */
  actAs(this: Context, user: User): void;
}

/** Told when a signed-in graphql-ws connection opens and closes (presence). */
export interface ConnectionHooks {
  opened(userId: string, connectionId: string): Promise<void>;
  closed(userId: string, connectionId: string): Promise<void>;
}

export interface ContextDeps {
  orm: Orm;
  tokens: TokenService;
  services: Services;
  logger: Logger;
  connections?: ConnectionHooks;
}

/** The user id behind an `Authorization` value: null when absent, UNAUTHENTICATED when bad. */
export function viewerIdFrom(deps: ContextDeps, authorization: unknown): Promise<string | null> {
  if (authorization !== undefined && authorization !== null && typeof authorization !== 'string') {
    throw unauthenticated('authorization must be a string');
  }
  return deps.tokens.verifyHeader(authorization);
}

export async function createContext(
  deps: ContextDeps,
  viewerId: string | null,
  requestId: string,
  clientAddress: string,
  anonymousId: string | null = null,
): Promise<Context> {
  const em = deps.orm.em.fork() as Em;
  const viewer = viewerId ? await em.findOne(User, { id: viewerId }) : null;
  if (viewerId && !viewer) throw unauthenticated('The account of this token no longer exists');
  return {
    viewer,
    em,
    loaders: loadersFor(deps, em, viewer),
    services: deps.services,
    requestId,
    clientAddress,
    anonymousId,
    logger: deps.logger.child({ requestId }),
    partialErrors: [],
    reportPartial(this: Context, error: AppError, path: string[], extra = {}) {
      this.partialErrors.push({ error, path, extra });
    },
    // Methods use `this`, not a closure: Apollo Server runs each operation on a shallow
    // copy of the context object, and the copy is the one resolvers read.
    renew(this: Context) {
      this.em = deps.orm.em.fork() as Em;
      this.loaders = loadersFor(deps, this.em, this.viewer);
    },
    actAs(this: Context, user: User) {
      this.viewer = user;
      this.loaders = loadersFor(deps, this.em, user);
    },
  };
}

function loadersFor(deps: ContextDeps, em: Em, viewer: User | null): Loaders {
  return {
    content: createContentLoaders(em, viewer),
    chat: createChatLoaders(em, viewer, deps.services.presence),
  };
}
