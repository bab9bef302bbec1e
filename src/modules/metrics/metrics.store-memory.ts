import type { LiveRecord, LiveStore, PlatformFigures, Ranked } from './metrics.store.js';
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

/** Sum of per-second counters over the `n` seconds ending with the current one. */
function rate(buckets: Map<number, number>, now: number, n: number): number {
  let sum = 0;
  for (let s = second(now) - n + 1; s <= second(now); s++) sum += buckets.get(s) ?? 0;
  return sum;
}

function prune<K>(map: Map<K, number>, keep: (v: number, k: K) => boolean) {
  for (const [k, v] of map) if (!keep(v, k)) map.delete(k);
}

/** The live aggregates of a single process (no Redis configured). */
export function memoryLiveStore(): LiveStore {
  const events = new Map<number, number>();
  const messages = new Map<number, number>();
  const actors = new Map<string, number>();
  const viewers = new Map<string, Map<string, number>>();
  // window -> slice start -> content -> [score, views]
  const trend = new Map<string, Map<number, Map<string, [number, number]>>>(
    WINDOWS.map((w) => [w.window, new Map()]),
  );
  let connections = 0;

  const latest = (map: Map<string, number>, key: string, at: number) =>
    map.set(key, Math.max(map.get(key) ?? 0, at));

  function tidy(now: number) {
    prune(events, (_v, s) => s > second(now) - 60);
    prune(messages, (_v, s) => s > second(now) - 120);
    prune(actors, (at) => at >= now - ACTIVE_USER_MS);
    for (const [id, seen] of viewers) {
      prune(seen, (at) => at >= now - LIVE_VIEWER_MS);
      if (!seen.size) viewers.delete(id);
    }
    for (const spec of WINDOWS) {
      const slices = trend.get(spec.window)!;
      for (const start of slices.keys())
        if (start + spec.sliceMs <= now - spec.ms) slices.delete(start);
    }
  }

  return {
    async record(r: LiveRecord) {
      const s = second(r.now);
      if (r.events) events.set(s, (events.get(s) ?? 0) + r.events);
      if (r.messages) messages.set(s, (messages.get(s) ?? 0) + r.messages);
      for (const a of r.actors) latest(actors, a.key, a.at);
      for (const v of r.viewers) {
        let seen = viewers.get(v.contentId);
        if (!seen) viewers.set(v.contentId, (seen = new Map()));
        latest(seen, v.key, v.at);
      }
      for (const spec of WINDOWS) {
        const slices = trend.get(spec.window)!;
        for (const e of r.engagement) {
          if (!inWindow(spec, e.at, r.now)) continue;
          const start = sliceOf(spec, e.at);
          let bucket = slices.get(start);
          if (!bucket) slices.set(start, (bucket = new Map()));
          const cell = bucket.get(e.contentId) ?? [0, 0];
          bucket.set(e.contentId, [cell[0] + e.score, cell[1] + e.views]);
        }
      }
      tidy(r.now);
    },

    async liveViewers(contentIds, now) {
      const out = new Map<string, number>();
      for (const id of contentIds) {
        let n = 0;
        for (const at of viewers.get(id)?.values() ?? [])
          if (at >= now - LIVE_VIEWER_MS && at <= now + 60_000) n++;
        out.set(id, n);
      }
      return out;
    },

    async platform(now): Promise<PlatformFigures> {
      let active = 0;
      for (const at of actors.values()) if (at >= now - ACTIVE_USER_MS) active++;
      return {
        activeUsers: active,
        eventsPerSecond: rate(events, now, EVENT_RATE_SECONDS) / EVENT_RATE_SECONDS,
        messagesPerMinute: rate(messages, now, MESSAGE_RATE_SECONDS),
      };
    },

    async top(spec: WindowSpec, limit, now): Promise<Ranked[]> {
      const totals = new Map<string, Ranked>();
      const slices = trend.get(spec.window)!;
      for (const { start, decay, share } of slicesInWindow(spec, now)) {
        for (const [contentId, [score, views]] of slices.get(start) ?? []) {
          const t = totals.get(contentId) ?? { contentId, score: 0, views: 0 };
          t.score += score * decay;
          t.views += views * share;
          totals.set(contentId, t);
        }
      }
      return [...totals.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    },

    async reportConnections(_processId, count) {
      connections = count;
    },

    async connections() {
      return connections;
    },
  };
}
