import { MetricWindow } from './metrics.types.js';

/**
 * The trending windows. Each is kept as `slices` buckets of `sliceMs`, so a window's
 * edge is exact to one slice (1/12 to 1/24 of the window); engagement decays with a
 * half-life of a quarter of the window.
 */
export interface WindowSpec {
  window: MetricWindow;
  ms: number;
  sliceMs: number;
  halfLifeMs: number;
}

const spec = (window: MetricWindow, ms: number, sliceMs: number): WindowSpec => ({
  window,
  ms,
  sliceMs,
  halfLifeMs: ms / 4,
});

export const WINDOWS: readonly WindowSpec[] = [
  spec(MetricWindow.LAST_MINUTE, 60_000, 5_000),
  spec(MetricWindow.LAST_5_MINUTES, 300_000, 15_000),
  spec(MetricWindow.LAST_HOUR, 3_600_000, 180_000),
  spec(MetricWindow.LAST_24_HOURS, 86_400_000, 3_600_000),
];

export const windowSpec = (w: MetricWindow): WindowSpec => WINDOWS.find((s) => s.window === w)!;

/** Engagement weights of the trending score (documented in docs/metrics.md). */
export const WEIGHTS = {
  view: 1,
  like: 3,
  comment: 5,
  share: 8,
  /** Per second watched: 1 per 30 seconds. */
  watchSecond: 1 / 30,
} as const;

export const sliceOf = (spec: WindowSpec, at: number) =>
  Math.floor(at / spec.sliceMs) * spec.sliceMs;

/**
 * The slices that overlap the window ending at `now`, each with the weight its engagement
 * gets in the score (decay by the slice's mid-point age, times the share of the slice
 * inside the window) and in the view count (the share only).
 */
export function slicesInWindow(
  spec: WindowSpec,
  now: number,
): { start: number; decay: number; share: number }[] {
  const from = now - spec.ms;
  const out: { start: number; decay: number; share: number }[] = [];
  for (let start = sliceOf(spec, now); start + spec.sliceMs > from; start -= spec.sliceMs) {
    const share = Math.min(1, (start + spec.sliceMs - from) / spec.sliceMs);
    const age = Math.max(0, now - (start + Math.min(spec.sliceMs, now - start) / 2));
    out.push({ start, decay: share * 2 ** (-age / spec.halfLifeMs), share });
  }
  return out;
}

/** Whether an event at `at` still falls into some slice of the window at `now`. */
export const inWindow = (spec: WindowSpec, at: number, now: number) =>
  sliceOf(spec, at) + spec.sliceMs > now - spec.ms && at <= now + 60_000;

/** Seconds of per-second buckets: live viewers over 60 s, events/s over 10 s, etc. */
export const LIVE_VIEWER_MS = 60_000;
export const ACTIVE_USER_MS = 300_000;
export const EVENT_RATE_SECONDS = 10;
export const MESSAGE_RATE_SECONDS = 60;

/** The epoch second of a time in milliseconds: the per-second buckets' key. */
export const second = (ms: number) => Math.floor(ms / 1000);
