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

/** One key's update in a record: INCRBY, PFADD (members), ZINCRBY (member -> increment). */
interface KeyOp {
  kind: 'i' | 'p' | 'z';
  ttl: number;
  amount: number;
  members: Map<string, number>;
}

/**
 * `record`'s updates: for each key, ARGV holds its operation, its expiry (seconds), the
 * number of arguments that follow and those arguments; each key's expiry is set anew.
 * A `z` entry with no arguments still sets the expiry (of a slice that may not exist yet).
 */
const RECORD_LUA = `
local a = 1
for _, key in ipairs(KEYS) do
  local op, ttl, n = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  a = a + 3
  if op == 'i' then
    redis.call('incrby', key, ARGV[a])
  elseif op == 'p' then
    for j = a, a + n - 1, 500 do
      redis.call('pfadd', key, unpack(ARGV, j, math.min(j + 499, a + n - 1)))
    end
  else
    for j = a, a + n - 1, 2 do
      redis.call('zincrby', key, ARGV[j], ARGV[j + 1])
    end
  end
  redis.call('expire', key, ttl)
  a = a + n
end
return 0`;

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
  // EVALSHA, falling back to EVAL once per connection (ioredis's defined commands).
  redis.defineCommand('marqueeLiveRecord', { lua: RECORD_LUA });
  const script = (
    redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>
  ).marqueeLiveRecord!;
  const expireAfter = (ms: number) => Math.ceil(ms / 1000) + 5;

  async function sumCounters(name: string, now: number, n: number): Promise<number> {
    const keys = Array.from({ length: n }, (_, i) => k(name, second(now) - i));
    const values = await redis.mget(...keys);
    return values.reduce((sum, v) => sum + Number(v ?? 0), 0);
  }

  return {
    async record(r: LiveRecord) {
      // One script call per record, however many events it holds: per key one operation
      // (the members of a HyperLogLog together, the scores of a content in a slice summed
      // first) and its expiry.
      const ops = new Map<string, KeyOp>();
      const op = (key: string, kind: KeyOp['kind'], ttl: number) => {
        let o = ops.get(key);
        if (!o) ops.set(key, (o = { kind, ttl, amount: 0, members: new Map() }));
        return o;
      };
      const s = second(r.now);
      if (r.events) op(k('eps', s), 'i', 60).amount += r.events;
      if (r.messages) op(k('msg', s), 'i', 120).amount += r.messages;
      for (const a of r.actors) {
        if (a.at < r.now - ACTIVE_USER_MS) continue;
        const ttl = expireAfter(ACTIVE_USER_MS + HLL_SLICE_MS);
        op(k('au', hllSlice(a.at)), 'p', ttl).members.set(a.key, 0);
      }
      for (const v of r.viewers) {
        if (v.at < r.now - LIVE_VIEWER_MS) continue;
        const ttl = expireAfter(LIVE_VIEWER_MS + HLL_SLICE_MS);
        op(k('lv', v.contentId, hllSlice(v.at)), 'p', ttl).members.set(v.key, 0);
      }
      for (const spec of WINDOWS) {
        const ttl = expireAfter(spec.ms + spec.sliceMs);
        for (const e of r.engagement) {
          if (!inWindow(spec, e.at, r.now)) continue;
          const start = sliceOf(spec, e.at);
          const scores = op(k('tr', spec.window, start), 'z', ttl).members;
          const views = op(k('tv', spec.window, start), 'z', ttl).members;
          if (e.score) scores.set(e.contentId, (scores.get(e.contentId) ?? 0) + e.score);
          if (e.views) views.set(e.contentId, (views.get(e.contentId) ?? 0) + e.views);
        }
      }
      if (!ops.size) return;
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const [key, o] of ops) {
        keys.push(key);
        if (o.kind === 'i') args.push('i', o.ttl, 1, o.amount);
        else if (o.kind === 'p') args.push('p', o.ttl, o.members.size, ...o.members.keys());
        else {
          args.push('z', o.ttl, 2 * o.members.size);
          for (const [member, by] of o.members) args.push(by, member);
        }
      }
      await script.call(redis, keys.length, ...keys, ...args);
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
