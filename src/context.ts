import type { Em, Orm } from './infra/db.js';
import type { Logger } from './infra/logger.js';
import { unauthenticated } from './errors.js';
import { AccountsReason } from './modules/accounts/accounts.errors.js';
import { User } from './modules/accounts/user.entity.js';

/**
 * Per-request loaders, one key per feature. Each feature adds its own key by augmenting
 * this interface in its `index.ts` (as topics augment `Topics`), and fills it from its
 * descriptor's `loaders`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

/**
 * What every resolver gets. Over HTTP it lives for one request. Over graphql-ws it lives
 * for one subscription, and every event gets its own EntityManager and loaders (see
 * `src/live.ts`): nothing read for one event is served, stale, to the next.
 */
/**
 * The API key a request carries (`x-api-key`): it acts for its organisation, as the
 * organisation's profile user (`viewer`), within its scopes (`infra/api-scopes.ts`).
 */
export interface KeyPrincipal {
  id: string;
  /** Safe to show and to log. */
  prefix: string;
  organizationId: string;
  scopes: readonly string[];
  rateLimitPerMinute: number;
}

export interface Context {
  viewer: User | null;
  /** The API key of the request, null for a person's token or an anonymous caller. */
  apiKey: KeyPrincipal | null;
  em: Em;
  loaders: Loaders;
  requestId: string;
  clientAddress: string;
  /** The client's own id from the `x-anonymous-id` header: how anonymous clients are counted. */
  anonymousId: string | null;
  logger: Logger;
  /** After signing up or in: the rest of the response is resolved for this user. */
  actAs(this: Context, user: User): void;
  /** After a write (`commit`): the loaders forget what they read before it. */
  invalidate(this: Context): void;
}

/** How contexts are made: the ORM, the loaders of every feature, and the viewer lookup. */
export interface ContextFactory {
  orm: Orm;
  logger: Logger;
  loaders(em: Em, viewer: User | null): Loaders;
  /**
   * Who a request is, from its `Authorization` and `x-api-key` values: a person (token), an
   * organisation (key, as its profile user), or nobody. Both at once is BAD_USER_INPUT; a
   * bad, revoked or expired key UNAUTHENTICATED.
   */
  authenticate(credentials: {
    authorization: unknown;
    apiKey: unknown;
  }): Promise<{ viewerId: string | null; apiKey: KeyPrincipal | null }>;
  /** Counts a keyed request against its key's per-minute limit (shared through Redis). */
  meterKey(
    key: KeyPrincipal,
  ): Promise<{ allowed: boolean; limit: number; remaining: number; resetSeconds: number }>;
  /** The ids among `keyIds` that no longer authenticate (revoked, expired, gone). */
  invalidKeys(keyIds: readonly string[]): Promise<Set<string>>;
}

/**
 * The account of a verified token's user id (null for none): UNAUTHENTICATED
 * (ACCOUNT_GONE) when it was deleted since the token was issued. HTTP asks it for every
 * request (401), graphql-ws at `connection_init` (4403).
 */
export async function findViewer(em: Em, viewerId: string | null): Promise<User | null> {
  if (!viewerId) return null;
  const viewer = await em.findOne(User, { id: viewerId });
  if (!viewer)
    throw unauthenticated(
      'The account of this token no longer exists',
      AccountsReason.ACCOUNT_GONE,
    );
  return viewer;
}

const renewers = new WeakMap<object, () => void>();

export async function createContext(
  factory: ContextFactory,
  viewerId: string | null,
  requestId: string,
  clientAddress: string,
  anonymousId: string | null = null,
  apiKey: KeyPrincipal | null = null,
): Promise<Context> {
  const em = factory.orm.em.fork() as Em;
  const viewer = await findViewer(em, viewerId);
  const ctx: Context = {
    viewer,
    apiKey,
    em,
    loaders: factory.loaders(em, viewer),
    requestId,
    clientAddress,
    anonymousId,
    logger: factory.logger.child({ requestId }),
    // Methods use `this`, not a closure: Apollo Server runs each operation on a shallow
    // copy of the context object, and the copy is the one resolvers read.
    actAs(this: Context, user: User) {
      this.viewer = user;
      this.loaders = factory.loaders(this.em, user);
    },
    invalidate(this: Context) {
      this.loaders = factory.loaders(this.em, this.viewer);
    },
  };
  // A subscription's scope is renewed for every event it takes, and many events of a
  // shared stream are answered without reading anything: the EntityManager and the
  // loaders of a renewed scope are made when first asked for.
  let scope: { em: Em; loaders: Loaders } | null = { em, loaders: ctx.loaders };
  const current = () =>
    (scope ??= (() => {
      const fresh = factory.orm.em.fork() as Em;
      return { em: fresh, loaders: factory.loaders(fresh, ctx.viewer) };
    })());
  Object.defineProperties(ctx, {
    em: {
      get: () => current().em,
      set: (value: Em) => (current().em = value),
      enumerable: true,
    },
    loaders: {
      get: () => current().loaders,
      set: (value: Loaders) => (current().loaders = value),
      enumerable: true,
    },
  });
  renewers.set(ctx, () => {
    scope = null;
  });
  return ctx;
}

/**
 * Gives a subscription's context a fresh EntityManager and loaders. Only `src/live.ts`
 * calls it, once for every event, so that no feature has to remember to.
 */
export function renewScope(ctx: Context): void {
  const renew = renewers.get(ctx);
  if (!renew) throw new Error('renewScope: not a context made by createContext');
  renew();
}

/** A context (or actor) with a viewer. */
export type SignedIn<C extends { viewer: User | null }> = C & { viewer: User };

/**
 * The context of a field whose shield rule requires a viewer (`isSignedIn`, `isAdmin`): the
 * rule has already answered anonymous callers with UNAUTHENTICATED, so this only narrows
 * the type. Without a viewer here, a rule is missing: a server fault, not the client's.
 */
export function signedIn<C extends { viewer: User | null }>(ctx: C): SignedIn<C> {
  if (!ctx.viewer) throw new Error('signedIn: this field has no sign-in rule');
  return ctx as SignedIn<C>;
}
