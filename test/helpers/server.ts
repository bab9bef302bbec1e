import 'reflect-metadata';
import { loadConfig, type Config } from '../../src/config.js';
import type { Logger } from '../../src/infra/logger.js';
import { CACHE_COMMENT as ADS_CACHE_COMMENT } from '../../src/modules/ads/ads.cache.js';
import { startServer, type MarqueeServer } from '../../src/server.js';
import type { MarqueeClient } from '../../sdk/src/index.js';
import { sdkClient } from './sdk.js';
import type { Storage, Target } from './targets.js';

export type Client = MarqueeClient;

export interface TestServer {
  server: MarqueeServer;
  config: Config;
  storage: Storage;
  /** SQL statements run since the last `queries.length = 0`. */
  queries: string[];
  /** A client speaking HTTP and graphql-ws to this server (closed with the server). */
  client(token?: string | null): Client;
  /** Signs up a fresh user and returns a client signed in as them. */
  user(
    handle: string,
    opts?: { email?: string },
  ): Promise<{ client: Client; id: string; token: string; email: string }>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';

/** The per-client-address limits, out of the way of tests that do not test them. */
export const PER_ADDRESS_LIMITS = {
  SIGNUP_RATE_LIMIT: '100000',
  TRACK_RATE_PER_ADDRESS: '10000000',
  TRACK_PER_CONTENT_PER_ADDRESS: '100000',
  WS_MAX_CONNECTIONS_PER_ADDRESS: '100000',
};
/** Emails that sign up as admins (ADMIN_EMAILS); each can be used once per server. */
export const ADMIN_EMAILS = ['admin@marquee.test', 'admin2@marquee.test', 'admin3@marquee.test'];
export const ADMIN_EMAIL = ADMIN_EMAILS[0]!;

/**
 * Boots the real server on a free port against fresh storage from `target`. Pass
 * `storage` to start another server process on the same database and Redis, and `logger`
 * to read what it logs (LOG_LEVEL does not apply to it).
 */
export async function bootServer(
  target: Target,
  label: string,
  options: {
    env?: Record<string, string>;
    storage?: Storage;
    logger?: Logger;
    /** A controllable clock (epoch ms) for the ads feature. */
    now?: () => number;
  } = {},
): Promise<TestServer> {
  const storage = options.storage ?? (await target.provision(label));
  const owned = !options.storage;
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ADMIN_EMAILS: ADMIN_EMAILS.join(','),
    SCHEDULER_INTERVAL_MS: '100',
    // close() in every test: no lingering for late requests (the drills set their own).
    SHUTDOWN_GRACE_MS: '0',
    // Every test client shares 127.0.0.1: limits per client address are raised here, and a
    // test of one sets it (test/integration/abuse-limits.test.ts).
    ...PER_ADDRESS_LIMITS,
    ...storage.env,
    ...options.env,
  });
  const queries: string[] = [];
  const server = await startServer(config, {
    // The ads cache's refresh (every second, marked) is background work, never a
    // request's: tests that count a request's statements must not see it.
    onQuery: (q) => {
      if (!q.includes(ADS_CACHE_COMMENT)) queries.push(q);
    },
    logger: options.logger,
    now: options.now,
  });
  const clients: Client[] = [];
  const client = (token?: string | null) => {
    const c = sdkClient({ url: server.url, token });
    clients.push(c);
    return c;
  };
  return {
    server,
    config,
    storage,
    queries,
    client,
    async user(handle, opts = {}) {
      const email = opts.email ?? `${handle}@example.com`;
      const { signUp } = await client().SignUp({
        input: { email, password: PASSWORD, handle, displayName: handle },
      });
      return { client: client(signUp.token), id: signUp.user.id, token: signUp.token, email };
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
      if (owned) await storage.drop();
    },
  };
}
