import { createHash } from 'node:crypto';
import { ReplyError, type Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (at least 1). */
  retryAfter: number;
  /** What is left of the limit in this window (0 once refused). */
  remaining: number;
}

/**
 * Fixed-window counters: `hit(scope, subject, limit, windowSeconds, points)` counts `points`
 * (1 by default) against `limit` per `windowSeconds`, refused attempts included. `scope` is
 * a constant of the caller (`login:email`); `subject` is what is counted (an email, an
 * address, ids) and is stored only as a truncated SHA-256, so a key is bounded whatever the
 * input. With Redis the counters are shared by every process; otherwise they live in this
 * one. Either store expires a key with its window, so memory follows the keys of one window.
 */
export interface RateLimiter {
  hit(
    scope: string,
    subject: string,
    limit: number,
    windowSeconds: number,
    points?: number,
  ): Promise<RateDecision>;
}

/** The stored key of `subject` under `scope`: 32 hex characters (128 bits) of its SHA-256. */
export function rateKey(scope: string, subject: string): string {
  return `${scope}:${createHash('sha256').update(subject).digest('hex').slice(0, 32)}`;
}

/** One library limiter per (limit, window): their number is that of the configured limits. */
function perLimit<L>(make: (points: number, duration: number) => L) {
  const made = new Map<string, L>();
  return (points: number, duration: number): L => {
    const id = `${points}/${duration}`;
    let limiter = made.get(id);
    if (!limiter) made.set(id, (limiter = make(points, duration)));
    return limiter;
  };
}

const decision = (r: RateLimiterRes, allowed: boolean): RateDecision => ({
  allowed,
  retryAfter: Math.max(1, Math.ceil(r.msBeforeNext / 1000)),
  remaining: Math.max(0, r.remainingPoints),
});

/** Consumes; a refusal is a decision, any other failure (the store's) is thrown. */
async function consume(limiter: RateLimiterAbstract, key: string, points: number) {
  try {
    return decision(await limiter.consume(key, points), true);
  } catch (e) {
    if (e instanceof RateLimiterRes) return decision(e, false);
    throw e;
  }
}

/** Counters in this process (rate-limiter-flexible's memory store: a key lives one window). */
export function memoryRateLimiter(): RateLimiter {
  const of = perLimit((points, duration) => new RateLimiterMemory({ points, duration }));
  return {
    hit: (scope, subject, limit, windowSeconds, points = 1) =>
      consume(of(limit, windowSeconds), rateKey(scope, subject), points),
  };
}

/**
 * Counters in Redis (`<prefix>rate:<scope>:<hash>`), shared by every process. While Redis
 * cannot answer (down, restarting, timing out) each process counts in `insurance` instead,
 * so limited requests (sending a message, logging in) keep working on the database alone,
 * under limits that are per process for that time rather than refused outright. An error
 * Redis answers with is a bug, not an outage: it is thrown (the library's own
 * `insuranceLimiter` would hide it, hence the explicit fallback).
 */
export function redisRateLimiter(
  redis: Redis,
  prefix: string,
  insurance: RateLimiter = memoryRateLimiter(),
): RateLimiter {
  // From a connection's close to the next ready, where a command would only wait in
  // ioredis's offline queue until it gives up. Not while the first connection is being
  // made: counting part of a window here and the rest in Redis would loosen the limit.
  let unreachable = false;
  redis.on('close', () => (unreachable = true));
  redis.on('ready', () => (unreachable = false));
  const of = perLimit(
    (points, duration) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}rate`, points, duration }),
  );
  return {
    async hit(scope, subject, limit, windowSeconds, points = 1) {
      if (unreachable) return insurance.hit(scope, subject, limit, windowSeconds, points);
      try {
        return await consume(of(limit, windowSeconds), rateKey(scope, subject), points);
      } catch (e) {
        if (e instanceof ReplyError) throw e;
        return insurance.hit(scope, subject, limit, windowSeconds, points);
      }
    },
  };
}
