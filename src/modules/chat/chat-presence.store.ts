import type { Redis } from 'ioredis';

/**
 * Who holds at least one graphql-ws connection. `connect` and `disconnect` report
 * transitions only (offline -> online, online -> offline), so PresenceChanged is published
 * once per transition whatever the number of connections and processes.
 */
export interface PresenceStore {
  /** True when this connection made the user online. */
  connect(userId: string, connectionId: string): Promise<boolean>;
  /** True when this connection's end made the user offline. */
  disconnect(userId: string, connectionId: string): Promise<boolean>;
  online(userIds: readonly string[]): Promise<Set<string>>;
  /**
   * Keeps this process's connections alive (Redis: every heartbeat). Connections that
   * Redis lost (a restart: it keeps nothing on disk) are registered again; returns the
   * users who are online again because of that.
   */
  heartbeat(connections: ReadonlyMap<string, string>): Promise<string[]>;
  /** Users whose every connection expired (a crashed process): now offline, reported once. */
  sweep(): Promise<string[]>;
}

/** One process: a counter per user. */
export function memoryPresence(): PresenceStore {
  const counts = new Map<string, number>();
  return {
    async connect(userId) {
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return n === 1;
    },
    async disconnect(userId) {
      const n = (counts.get(userId) ?? 0) - 1;
      if (n > 0) counts.set(userId, n);
      else counts.delete(userId);
      return n === 0;
    },
    async online(userIds) {
      return new Set(userIds.filter((id) => counts.has(id)));
    },
    async heartbeat() {
      return [];
    },
    async sweep() {
      return [];
    },
  };
}

// Per user, a sorted set of connection ids scored by expiry; `users` holds every user
// announced online, scored by a recent expiry. Each transition is one script, so two
// processes never both announce it: whoever adds to (or removes from) `users` does.
const CONNECT = `
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
redis.call('zadd', KEYS[1], ARGV[2], ARGV[3])
return redis.call('zadd', KEYS[2], ARGV[2], ARGV[4])`;
const DISCONNECT = `
redis.call('zrem', KEYS[1], ARGV[2])
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
if redis.call('zcard', KEYS[1]) > 0 then return 0 end
return redis.call('zrem', KEYS[2], ARGV[3])`;
const SWEEP = `
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
local live = redis.call('zrange', KEYS[1], -1, -1, 'WITHSCORES')
if #live > 0 then redis.call('zadd', KEYS[2], live[2], ARGV[2]) return 0 end
return redis.call('zrem', KEYS[2], ARGV[2])`;

/**
 * Every process on one Redis. Connections are refreshed every heartbeat and expire
 * `ttlMs` after the last one, so a crashed process's users go offline at the next sweep
 * after that.
 */
export function redisPresence(redis: Redis, prefix: string, ttlMs: number): PresenceStore {
  const users = `${prefix}presence:users`;
  const userKey = (id: string) => `${prefix}presence:user:${id}`;
  return {
    async connect(userId, connectionId) {
      const now = Date.now();
      const added = await redis.eval(
        CONNECT,
        2,
        userKey(userId),
        users,
        now,
        now + ttlMs,
        connectionId,
        userId,
      );
      return added === 1;
    },
    async disconnect(userId, connectionId) {
      const removed = await redis.eval(
        DISCONNECT,
        2,
        userKey(userId),
        users,
        Date.now(),
        connectionId,
        userId,
      );
      return removed === 1;
    },
    async online(userIds) {
      if (!userIds.length) return new Set();
      const now = Date.now();
      const pipeline = redis.pipeline();
      for (const id of userIds) pipeline.zcount(userKey(id), `(${now}`, '+inf');
      const counts = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0));
    },
    async heartbeat(connections) {
      if (!connections.size) return [];
      const expiry = Date.now() + ttlMs;
      const pipeline = redis.pipeline();
      const entries = [...connections];
      for (const [connectionId, userId] of entries) {
        // XX: never resurrect a connection removed meanwhile; CH: tell which were there.
        pipeline.zadd(userKey(userId), 'XX', 'CH', expiry, connectionId);
        pipeline.zadd(users, 'XX', expiry, userId);
      }
      const results = (await pipeline.exec()) ?? [];
      const back: string[] = [];
      for (const [i, [connectionId, userId]] of entries.entries()) {
        if (Number(results[2 * i]?.[1] ?? 1) > 0) continue;
        if (!connections.has(connectionId)) continue; // closed while we were asking
        if (await this.connect(userId, connectionId)) back.push(userId);
      }
      return back;
    },
    async sweep() {
      const now = Date.now();
      const due = await redis.zrangebyscore(users, '-inf', now, 'LIMIT', 0, 100);
      const offline: string[] = [];
      for (const userId of due) {
        if ((await redis.eval(SWEEP, 2, userKey(userId), users, now, userId)) === 1) {
          offline.push(userId);
        }
      }
      return offline;
    },
  };
}
