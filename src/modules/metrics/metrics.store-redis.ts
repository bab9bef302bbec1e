import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LiveRecord, LiveStore, Ranked } from './metrics.store.js';
import {
  ACTIVE_USER_MS,
  EVENT_RATE_SECONDS,
  inWindow,
  LIVE_VIEWER_MS,
  MESSAGE_RATE_SECONDS,
  second,
  sliceOf,
  slicesInWindow,
  WINDOWS,
  type WindowSpec,
} from './metrics.windows.js';

/** Distinct-count slices (HyperLogLog) for active users and live viewers. */
const HLL_SLICE_MS = 5_000;
/** A process that stops reporting its connections is forgotten after this long. */
const CONNECTIONS_TTL_MS = 15_000;

const hllSlice = (ms: number) => Math.floor(ms / HLL_SLICE_MS) * HLL_SLICE_MS;

/** HLL slice starts covering the `span` ending at `now`. */
function hllSlices(now: number, span: number): number[] {
  const out: number[] = [];
  for (let s = hllSlice(now); s + HLL_SLICE_MS > now - span; s -= HLL_SLICE_MS) out.push(s);
  return out;
}

/**
 * The live aggregates in Redis, shared by every process: per-second counters (INCRBY with
 * expiry), HyperLogLogs per 5-second slice for distinct users and viewers, and one sorted
 * set per trending slice. Every key expires on its own once its window has passed.
 */
export function redisLiveStore(redis: Redis, prefix: string): LiveStore {
  const k = (...parts: (string | number)[]) => `${prefix}metrics:${parts.join(':')}`;
  const expireAfter = (ms: number) => Math.ceil(ms / 1000) + 5;

  async function sumCounters(name: string, now: number, n: number): Promise<number> {
    const keys = Array.from({ length: n }, (_, i) => k(name, second(now) - i));
    const values = await redis.mget(...keys);
    return values.reduce((sum, v) => sum + Number(v ?? 0), 0);
  }

  return {
    async record(r: LiveRecord) {
      // One command per key and cell, however many events a batch holds: the members of
      // each HyperLogLog in one PFADD, the scores of each content and slice summed first.
      const p = redis.pipeline();
      const s = second(r.now);
      if (r.events) p.incrby(k('eps', s), r.events).expire(k('eps', s), 60);
      if (r.messages) p.incrby(k('msg', s), r.messages).expire(k('msg', s), 120);
      const hlls = new Map<string, { members: Set<string>; ttl: number }>();
      const toHll = (key: string, member: string, ttl: number) => {
        const hll = hlls.get(key);
        if (hll) hll.members.add(member);
        else hlls.set(key, { members: new Set([member]), ttl });
      };
      for (const a of r.actors) {
        if (a.at < r.now - ACTIVE_USER_MS) continue;
        toHll(k('au', hllSlice(a.at)), a.key, expireAfter(ACTIVE_USER_MS + HLL_SLICE_MS));
      }
      for (const v of r.viewers) {
        if (v.at < r.now - LIVE_VIEWER_MS) continue;
        toHll(
          k('lv', v.contentId, hllSlice(v.at)),
          v.key,
          expireAfter(LIVE_VIEWER_MS + HLL_SLICE_MS),
        );
      }
      for (const [key, { members, ttl }] of hlls) p.pfadd(key, ...members).expire(key, ttl);
      // sorted set -> content -> [score, views]
      const slices = new Map<string, { ttl: number; cells: Map<string, [number, number]> }>();
      for (const spec of WINDOWS) {
        for (const e of r.engagement) {
          if (!inWindow(spec, e.at, r.now)) continue;
          const start = sliceOf(spec, e.at);
          const id = `${spec.window}:${start}`;
          let slice = slices.get(id);
          if (!slice)
            slices.set(
              id,
              (slice = { ttl: expireAfter(spec.ms + spec.sliceMs), cells: new Map() }),
            );
          const cell = slice.cells.get(e.contentId) ?? [0, 0];
          cell[0] += e.score;
          cell[1] += e.views;
          slice.cells.set(e.contentId, cell);
        }
      }
      for (const [id, { ttl, cells }] of slices) {
        const [window, start] = id.split(':');
        const scores = k('tr', window!, start!);
        const views = k('tv', window!, start!);
        for (const [contentId, [score, counted]] of cells) {
          if (score) p.zincrby(scores, score, contentId);
          if (counted) p.zincrby(views, counted, contentId);
        }
        p.expire(scores, ttl).expire(views, ttl);
      }
      if (p.length) await check(await p.exec());
    },

    async liveViewers(contentIds, now) {
      const slices = hllSlices(now, LIVE_VIEWER_MS);
      const p = redis.pipeline();
      for (const id of contentIds) p.pfcount(...slices.map((s) => k('lv', id, s)));
      const results = await check(await p.exec());
      return new Map(contentIds.map((id, i) => [id, Number(results[i])]));
    },

    async platform(now) {
      const [active, events, messages] = await Promise.all([
        redis.pfcount(...hllSlices(now, ACTIVE_USER_MS).map((s) => k('au', s))),
        sumCounters('eps', now, EVENT_RATE_SECONDS),
        sumCounters('msg', now, MESSAGE_RATE_SECONDS),
      ]);
      return {
        activeUsers: active,
        eventsPerSecond: events / EVENT_RATE_SECONDS,
        messagesPerMinute: messages,
      };
    },

    async top(spec: WindowSpec, limit, now): Promise<Ranked[]> {
      const slices = slicesInWindow(spec, now);
      const scores = k('tmp', randomUUID());
      const views = k('tmp', randomUUID());
      const union = (name: string, dest: string, weight: (s: (typeof slices)[number]) => number) =>
        [
          dest,
          slices.length,
          ...slices.map((s) => k(name, spec.window, s.start)),
          'WEIGHTS',
          ...slices.map(weight),
        ] as const;
      const ranked = await redis
        .multi()
        .zunionstore(...union('tr', scores, (s) => s.decay))
        .zrevrange(scores, 0, limit - 1, 'WITHSCORES')
        .zunionstore(...union('tv', views, (s) => s.share))
        .exec();
      const flat = (await check(ranked))[1] as string[];
      const ids: string[] = [];
      for (let i = 0; i < flat.length; i += 2) ids.push(flat[i]!);
      const counted = ids.length ? await redis.zmscore(views, ...ids) : [];
      await redis.del(scores, views);
      return ids.map((contentId, i) => ({
        contentId,
        score: Number(flat[2 * i + 1]),
        views: Number(counted[i] ?? 0),
      }));
    },

    async reportConnections(processId, count, now) {
      await redis.hset(k('conns'), processId, `${count}:${now + CONNECTIONS_TTL_MS}`);
    },

    async connections(now) {
      const all = await redis.hgetall(k('conns'));
      let total = 0;
      const stale: string[] = [];
      for (const [processId, value] of Object.entries(all)) {
        const [count, until] = value.split(':').map(Number);
        if ((until ?? 0) < now) stale.push(processId);
        else total += count ?? 0;
      }
      if (stale.length) await redis.hdel(k('conns'), ...stale);
      return total;
    },
  };
}

/** A pipeline's results, or its first error. */
async function check(results: [Error | null, unknown][] | null): Promise<unknown[]> {
  if (!results) throw new Error('Redis transaction aborted');
  for (const [err] of results) if (err) throw err;
  return results.map(([, v]) => v);
}
