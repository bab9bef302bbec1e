import { createHash } from 'node:crypto';
import { z } from 'zod';
import { adsConfig, adsEnv, adsIssues, type AdsConfig } from './config-ads.js';
import { billingConfig, billingEnv, billingIssues, type BillingConfig } from './config-billing.js';

const DEV_JWT_SECRET = 'marquee-development-secret-do-not-use-in-production';
const DEV_API_KEY_SECRET = 'marquee-development-api-key-secret-do-not-use-in-production';
/** Public, so development only: a warning is logged, and production refuses to start. */
const DEV_CHAT_KEY = {
  id: 'dev',
  key: createHash('sha256').update('marquee-dev-chat-key').digest(),
};

/** `id:base64key,id2:base64key2`: ids of 1-32 [A-Za-z0-9_-], keys of exactly 32 bytes. */
const chatKeys = z
  .string()
  .transform((s, ctx) => {
    const keys: { id: string; key: Buffer }[] = [];
    const parts = s.split(',').map((p) => p.trim());
    for (const part of parts.filter(Boolean)) {
      const colon = part.indexOf(':');
      const id = part.slice(0, colon);
      const key = Buffer.from(part.slice(colon + 1), 'base64');
      if (colon < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be id:base64key pairs (comma-separated), each key 32 bytes',
        });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === id)) {
        ctx.addIssue({ code: 'custom', message: `key id ${id} appears twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    return keys;
  })
  .optional();

/** Exactly 32 bytes in base64 (AES-256). */
const backupKey = z
  .string()
  .transform((s, ctx) => {
    const key = Buffer.from(s.trim(), 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s.trim()) || key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64' });
      return z.NEVER;
    }
    return key;
  })
  .optional();

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DATABASE_POOL_MAX: positiveInt(10),
    DATABASE_ACQUIRE_TIMEOUT_MS: positiveInt(5000),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
    REDIS_PREFIX: z.string().default('marquee:'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_TTL_SECONDS: positiveInt(7 * 24 * 3600),
    API_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ADMIN_EMAILS: list,
    LOGIN_RATE_LIMIT: positiveInt(10),
    LOGIN_RATE_WINDOW_SECONDS: positiveInt(60),
    SIGNUP_RATE_LIMIT: positiveInt(20),
    SIGNUP_RATE_WINDOW_SECONDS: positiveInt(3600),
    TRACK_RATE_PER_CLIENT: positiveInt(600),
    TRACK_RATE_PER_ADDRESS: positiveInt(3000),
    TRACK_RATE_WINDOW_SECONDS: positiveInt(60),
    TRACK_PER_CONTENT_PER_ADDRESS: positiveInt(20),
    TRACK_PER_CONTENT_WINDOW_SECONDS: positiveInt(3600),
    SCHEDULER_INTERVAL_MS: positiveInt(1000),
    CHAT_ENCRYPTION_KEYS: chatKeys,
    BACKUP_ENCRYPTION_KEY: backupKey,
    CHAT_RATE_PER_CONVERSATION: positiveInt(10),
    CHAT_RATE_PER_CONVERSATION_WINDOW_SECONDS: positiveInt(10),
    CHAT_RATE_OVERALL: positiveInt(60),
    CHAT_RATE_OVERALL_WINDOW_SECONDS: positiveInt(60),
    CHAT_TYPING_TTL_MS: positiveInt(6000),
    CHAT_PRESENCE_TTL_MS: positiveInt(20_000),
    CHAT_PRESENCE_HEARTBEAT_MS: positiveInt(5000),
    METRICS_TICK_MS: positiveInt(1000),
    METRICS_RECHECK_MS: positiveInt(10_000),
    RECS_REBUILD_INTERVAL_MS: positiveInt(10 * 60_000),
    RECS_POLL_INTERVAL_MS: positiveInt(15_000),
    RECS_REBUILD_GROWTH: z.coerce.number().positive().default(0.2),
    RECS_REBUILD_MIN_EVENTS: positiveInt(50),
    RECS_REBUILD_MIN_INTERVAL_MS: positiveInt(60_000),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_OPERATION_NAMES_MAX: positiveInt(200),
    MIGRATE_ON_START: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(5000),
    TRUST_PROXY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    QUERY_MAX_DEPTH: positiveInt(10),
    QUERY_MAX_ALIASES: positiveInt(15),
    QUERY_MAX_TOKENS: positiveInt(1000),
    QUERY_MAX_DIRECTIVES: positiveInt(50),
    QUERY_MAX_COST: positiveInt(50_000),
    /** The page a browser gets at /graphql (default: GraphiQL outside production, none in it). */
    GRAPHQL_IDE: z.enum(['graphiql', 'apollo', 'off']).optional(),
    GRAPHQL_INTROSPECTION: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    WS_MAX_CONNECTIONS: positiveInt(10_000),
    WS_MAX_CONNECTIONS_PER_ADDRESS: positiveInt(20),
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: positiveInt(50),
    ...billingEnv,
    ...adsEnv,
  })
  .superRefine((env, ctx) => {
    for (const [path, message] of [...billingIssues(env), ...adsIssues(env)]) {
      ctx.addIssue({ code: 'custom', path: [path], message });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
    }
    if (env.NODE_ENV === 'production' && !env.API_KEY_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_KEY_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
    }
    if (env.NODE_ENV === 'production' && !env.CHAT_ENCRYPTION_KEYS?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHAT_ENCRYPTION_KEYS'],
        message: 'is required when NODE_ENV=production',
      });
    }
    if (env.CHAT_PRESENCE_HEARTBEAT_MS >= env.CHAT_PRESENCE_TTL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHAT_PRESENCE_HEARTBEAT_MS'],
        message: 'must be shorter than CHAT_PRESENCE_TTL_MS',
      });
    }
  });

/** The process configuration: parsed once from the environment, frozen. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  /**
   * What a browser opening /graphql gets: GraphiQL served from this server's own files
   * (works offline), Apollo's Sandbox (loaded from Apollo's CDN), or nothing.
   */
  readonly graphqlIde: 'graphiql' | 'apollo' | 'off';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL when set; otherwise the embedded SQLite file `<dataDir>/marquee.sqlite`. */
  readonly databaseUrl?: string;
  readonly databasePoolMax: number;
  /**
   * PostgreSQL: how long a query waits for a pooled connection (or a new one to connect)
   * before failing with SERVICE_UNAVAILABLE: the bound on a request while the database is away.
   */
  readonly databaseAcquireTimeoutMs: number;
  /** Redis pub/sub and shared rate limits when set; otherwise in-process equivalents. */
  readonly redisUrl?: string;
  readonly redisPrefix: string;
  readonly logLevel: string;
  /**
   * LOG_FORMAT, or else `pretty` when NODE_ENV is `development` (set so, or unset with stdout
   * on a terminal) and `json` otherwise: production, tests, and output piped to a collector.
   */
  readonly logFormat: 'json' | 'pretty';
  /** Secret. Never logged. */
  readonly jwtSecret: string;
  readonly jwtSecretIsDevelopmentDefault: boolean;
  readonly jwtTtlSeconds: number;
  /**
   * Secret. Never logged. The HMAC key of stored API-key hashes: its own secret, so that
   * rotating JWT_SECRET signs everyone out without invalidating partners' keys (and the
   * reverse). Changing it invalidates every API key.
   */
  readonly apiKeySecret: string;
  readonly apiKeySecretIsDevelopmentDefault: boolean;
  /** Lower-cased. Made ADMIN at sign-up, at start and at sign-in; nobody is ever demoted by it. */
  readonly adminEmails: readonly string[];
  readonly loginRateLimit: number;
  readonly loginRateWindowSeconds: number;
  /** Sign-ups per client address per window. */
  readonly signUpRateLimit: number;
  readonly signUpRateWindowSeconds: number;
  /**
   * trackEvents, in events (not calls) per window: per client (the signed-in user or the
   * anonymous id) and per client address; and the VIEW (and, apart, SHARE) events of one
   * content that count per client address per window, whatever the anonymous ids (the
   * rest are rejected).
   */
  readonly trackRates: {
    perClient: number;
    perAddress: number;
    windowSeconds: number;
    perContentPerAddress: number;
    perContentWindowSeconds: number;
  };
  readonly schedulerIntervalMs: number;
  /** Secret. Message-body keys: the first encrypts, every one decrypts (rotation). */
  readonly chatEncryptionKeys: readonly { id: string; key: Buffer }[];
  readonly chatKeyIsDevelopmentDefault: boolean;
  /** Secret. Encrypts backups (`npm run backup`/`restore` refuse to run without it); the server never uses it. */
  readonly backupEncryptionKey?: Buffer;
  /** Messages per user: in one conversation per window, and overall per window. */
  readonly chatRates: {
    perConversation: number;
    perConversationWindowSeconds: number;
    overall: number;
    overallWindowSeconds: number;
  };
  /** How long a `setTyping(true)` lasts unless renewed. */
  readonly chatTypingTtlMs: number;
  /** With Redis: a connection counts as gone this long after its last heartbeat. */
  readonly chatPresenceTtlMs: number;
  /** With Redis: how often connections are refreshed and expired ones swept. */
  readonly chatPresenceHeartbeatMs: number;
  /** How often live metric subscriptions are recomputed (and at most updated). */
  readonly metricsTickMs: number;
  /** How often a metrics subscriber's permission is checked again (revocation ends the stream). */
  readonly metricsRecheckMs: number;
  /** How often the collaborative recommendation model is rebuilt (by one process). */
  readonly recsRebuildMs: number;
  /** How often a process looks for a model rebuilt elsewhere (and whether one is due). */
  readonly recsPollMs: number;
  /**
   * A rebuild before the schedule, checked at each poll: once the engagement events since
   * the last build reach `growth` × the interactions (viewer, content pairs) it was built
   * from, or `minEvents` when that is more; never within `minIntervalMs` of the last build
   * (the scheduled rebuild is not bound by it).
   */
  readonly recsEarlyRebuild: { growth: number; minEvents: number; minIntervalMs: number };
  /** Prometheus `/metrics` and its protection (`src/observability`). */
  readonly observability: {
    /**
     * Secret. When set, `/metrics` is served on the main port to `Authorization: Bearer
     * <token>` only (401 otherwise); unset, the main port does not serve it (404).
     */
    readonly metricsToken?: string;
    /** When set, `/metrics` is (also) served on this port of `metricsHost`; 0 picks a free one. */
    readonly metricsPort?: number;
    readonly metricsHost: string;
    /** Operation names that get their own label beyond the SDK's; later ones count as `(other)`. */
    readonly maxOperationNames: number;
  };
  readonly migrateOnStart: boolean;
  /** On SIGTERM: how long new requests get 503 + Retry-After while those under way finish. */
  readonly shutdownGraceMs: number;
  readonly trustProxy: boolean;
  /**
   * What one operation may ask for, over HTTP and graphql-ws alike (`src/infra/query-limits.ts`):
   * depth, aliases, tokens, directives, estimated cost; introspection (default: outside
   * production only).
   */
  readonly queryLimits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxCost: number;
    introspection: boolean;
  };
  /** graphql-ws sockets this process holds at once, in all and per client address. */
  readonly wsLimits: {
    connections: number;
    connectionsPerAddress: number;
    subscriptionsPerConnection: number;
  };
  /** Memberships: the billing provider and the access grace (`config-billing.ts`). */
  readonly billing: BillingConfig;
  /** Ads: the impression-token key, the cache refresh and live stats (`config-ads.ts`). */
  readonly ads: AdsConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses and validates configuration. `src/config.ts` is the only module that reads
 * `process.env`; tests pass their own record instead. `terminal`: whether stdout is one
 * (the default log format).
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  terminal = process.stdout.isTTY === true,
): Config {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    graphqlIde: e.GRAPHQL_IDE ?? (e.NODE_ENV === 'production' ? 'off' : 'graphiql'),
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    databaseAcquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    logLevel: e.LOG_LEVEL,
    logFormat:
      e.LOG_FORMAT ??
      (e.NODE_ENV === 'development' && (Boolean(source.NODE_ENV) || terminal) ? 'pretty' : 'json'),
    jwtSecret: e.JWT_SECRET ?? DEV_JWT_SECRET,
    jwtSecretIsDevelopmentDefault: !e.JWT_SECRET,
    jwtTtlSeconds: e.JWT_TTL_SECONDS,
    apiKeySecret: e.API_KEY_SECRET ?? DEV_API_KEY_SECRET,
    apiKeySecretIsDevelopmentDefault: !e.API_KEY_SECRET,
    adminEmails: Object.freeze(e.ADMIN_EMAILS),
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    loginRateWindowSeconds: e.LOGIN_RATE_WINDOW_SECONDS,
    signUpRateLimit: e.SIGNUP_RATE_LIMIT,
    signUpRateWindowSeconds: e.SIGNUP_RATE_WINDOW_SECONDS,
    trackRates: Object.freeze({
      perClient: e.TRACK_RATE_PER_CLIENT,
      perAddress: e.TRACK_RATE_PER_ADDRESS,
      windowSeconds: e.TRACK_RATE_WINDOW_SECONDS,
      perContentPerAddress: e.TRACK_PER_CONTENT_PER_ADDRESS,
      perContentWindowSeconds: e.TRACK_PER_CONTENT_WINDOW_SECONDS,
    }),
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_MS,
    chatEncryptionKeys: Object.freeze(
      e.CHAT_ENCRYPTION_KEYS?.length ? e.CHAT_ENCRYPTION_KEYS : [DEV_CHAT_KEY],
    ),
    chatKeyIsDevelopmentDefault: !e.CHAT_ENCRYPTION_KEYS?.length,
    backupEncryptionKey: e.BACKUP_ENCRYPTION_KEY,
    chatRates: Object.freeze({
      perConversation: e.CHAT_RATE_PER_CONVERSATION,
      perConversationWindowSeconds: e.CHAT_RATE_PER_CONVERSATION_WINDOW_SECONDS,
      overall: e.CHAT_RATE_OVERALL,
      overallWindowSeconds: e.CHAT_RATE_OVERALL_WINDOW_SECONDS,
    }),
    chatTypingTtlMs: e.CHAT_TYPING_TTL_MS,
    chatPresenceTtlMs: e.CHAT_PRESENCE_TTL_MS,
    chatPresenceHeartbeatMs: e.CHAT_PRESENCE_HEARTBEAT_MS,
    metricsTickMs: e.METRICS_TICK_MS,
    metricsRecheckMs: e.METRICS_RECHECK_MS,
    recsRebuildMs: e.RECS_REBUILD_INTERVAL_MS,
    recsPollMs: e.RECS_POLL_INTERVAL_MS,
    recsEarlyRebuild: Object.freeze({
      growth: e.RECS_REBUILD_GROWTH,
      minEvents: e.RECS_REBUILD_MIN_EVENTS,
      minIntervalMs: e.RECS_REBUILD_MIN_INTERVAL_MS,
    }),
    observability: Object.freeze({
      metricsToken: e.METRICS_TOKEN,
      metricsPort: e.METRICS_PORT,
      metricsHost: e.METRICS_HOST,
      maxOperationNames: e.METRICS_OPERATION_NAMES_MAX,
    }),
    migrateOnStart: e.MIGRATE_ON_START,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    trustProxy: e.TRUST_PROXY,
    queryLimits: Object.freeze({
      maxDepth: e.QUERY_MAX_DEPTH,
      maxAliases: e.QUERY_MAX_ALIASES,
      maxTokens: e.QUERY_MAX_TOKENS,
      maxDirectives: e.QUERY_MAX_DIRECTIVES,
      maxCost: e.QUERY_MAX_COST,
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
    }),
    wsLimits: Object.freeze({
      connections: e.WS_MAX_CONNECTIONS,
      connectionsPerAddress: e.WS_MAX_CONNECTIONS_PER_ADDRESS,
      subscriptionsPerConnection: e.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    }),
    billing: billingConfig(e),
    ads: adsConfig(e, e.JWT_SECRET ?? DEV_JWT_SECRET),
  });
}
