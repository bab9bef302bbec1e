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
  /**
   * `hit` for many (scope, subject) pairs at once (one Redis round trip): counts each
   * pair's `points` and returns, in order, its count in the window after this hit and
   * the seconds until the window resets. The caller decides which of the points fit under
   * its limit (the first `limit - (consumed - points)` of them), as `hit` would one by one.
   */
  hitMany(
    hits: readonly { scope: string; subject: string; points: number }[],
    windowSeconds: number,
  ): Promise<{ consumed: number; retryAfter: number }[]>;
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

/** The count after consuming, refused or not (`hitMany`). */
async function counted(limiter: RateLimiterAbstract, key: string, points: number) {
  let r: RateLimiterRes;
  try {
    r = await limiter.consume(key, points);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    r = e;
  }
  return { consumed: r.consumedPoints, retryAfter: Math.max(1, Math.ceil(r.msBeforeNext / 1000)) };
}

/** Counters in this process (rate-limiter-flexible's memory store: a key lives one window). */
export function memoryRateLimiter(): RateLimiter {
  const of = perLimit((points, duration) => new RateLimiterMemory({ points, duration }));
  return {
    hit: (scope, subject, limit, windowSeconds, points = 1) =>
      consume(of(limit, windowSeconds), rateKey(scope, subject), points),
    // The limit does not change what is counted: one store per window serves every limit.
    hitMany: (hits, windowSeconds) =>
      Promise.all(
        hits.map((h) =>
          counted(
            of(Number.MAX_SAFE_INTEGER, windowSeconds),
            rateKey(h.scope, h.subject),
            h.points,
          ),
        ),
      ),
  };
}

/**
 * rate-limiter-flexible's own increment (`set NX EX`, `incrby`, `pttl`) for every key of
 * the call in one script, so the keys and their windows are the library's.
 */
const HIT_MANY_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  redis.call('set', key, 0, 'EX', ARGV[1], 'NX')
  local consumed = redis.call('incrby', key, ARGV[i + 1])
  local ttl = redis.call('pttl', key)
  if ttl == -1 then
    redis.call('expire', key, ARGV[1])
    ttl = 1000 * ARGV[1]
  end
  out[#out + 1] = consumed
  out[#out + 1] = ttl
end
return out`;
/** Keys per script run: bounds the time Redis spends in one. */
const HIT_MANY_CHUNK = 500;

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
  // EVALSHA, falling back to EVAL once per connection (ioredis's defined commands).
  redis.defineCommand('marqueeHitMany', { lua: HIT_MANY_LUA });
  const script = (
    redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>
  ).marqueeHitMany!;
  async function hitManyInRedis(
    hits: readonly { scope: string; subject: string; points: number }[],
    windowSeconds: number,
  ) {
    const out: { consumed: number; retryAfter: number }[] = [];
    for (let i = 0; i < hits.length; i += HIT_MANY_CHUNK) {
      const chunk = hits.slice(i, i + HIT_MANY_CHUNK);
      const keys = chunk.map((h) => `${prefix}rate:${rateKey(h.scope, h.subject)}`);
      const flat = (await script.call(
        redis,
        keys.length,
        ...keys,
        Math.floor(windowSeconds),
        ...chunk.map((h) => h.points),
      )) as number[];
      for (let j = 0; j < chunk.length; j++)
        out.push({
          consumed: Number(flat[2 * j]),
          retryAfter: Math.max(1, Math.ceil(Number(flat[2 * j + 1]) / 1000)),
        });
    }
    return out;
  }
  return {
    async hitMany(hits, windowSeconds) {
      if (!hits.length) return [];
      if (unreachable) return insurance.hitMany(hits, windowSeconds);
      try {
        return await hitManyInRedis(hits, windowSeconds);
      } catch (e) {
        if (e instanceof ReplyError) throw e;
        return insurance.hitMany(hits, windowSeconds);
      }
    },
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
