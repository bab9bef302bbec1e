import { ReplyError, type Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (at least 1 when refused). */
  retryAfter: number;
}

/**
 * Fixed-window counters: `hit(key)` counts one attempt against `limit` per `windowSeconds`.
 * With Redis the counters are shared by every process; otherwise they live in this one.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
  reset(key: string): Promise<void>;
}

export function memoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, limit, windowSeconds) {
      const t = now();
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowSeconds * 1000 };
        windows.set(key, w);
        if (windows.size > 100_000) {
          for (const [k, v] of windows) if (v.resetAt <= t) windows.delete(k);
        }
      }
      w.count += 1;
      return {
        allowed: w.count <= limit,
        retryAfter: Math.max(1, Math.ceil((w.resetAt - t) / 1000)),
      };
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

// INCR, set the expiry on the first hit of a window, and report the time left.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/**
 * Counters in Redis, shared by every process. While Redis cannot answer (down, restarting,
 * timing out) each process counts in `fallback` instead, so limited requests (sending a
 * message, logging in) keep working on the database alone, under limits that are per
 * process for that time rather than refused outright. An error Redis answers with is a bug,
 * not an outage: it is thrown.
 */
export function redisRateLimiter(
  redis: Redis,
  prefix: string,
  fallback: RateLimiter = memoryRateLimiter(),
): RateLimiter {
  // From a connection's close to the next ready, where a command would only wait in
  // ioredis's offline queue until it gives up. Not while the first connection is being
  // made: counting part of a window here and the rest in Redis would loosen the limit.
  let unreachable = false;
  redis.on('close', () => (unreachable = true));
  redis.on('ready', () => (unreachable = false));
  return {
    async hit(key, limit, windowSeconds) {
      if (unreachable) return fallback.hit(key, limit, windowSeconds);
      let reply: [number, number];
      try {
        reply = (await redis.eval(
          HIT,
          1,
          `${prefix}rate:${key}`,
          String(windowSeconds * 1000),
        )) as [number, number];
      } catch (e) {
        if (e instanceof ReplyError) throw e;
        return fallback.hit(key, limit, windowSeconds);
      }
      const [count, ttl] = reply;
      return { allowed: count <= limit, retryAfter: Math.max(1, Math.ceil(ttl / 1000)) };
    },
    async reset(key) {
      await fallback.reset(key);
      await redis.del(`${prefix}rate:${key}`);
    },
  };
}
