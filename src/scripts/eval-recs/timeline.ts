import type { Interaction } from '../../modules/recommendations/model/index.js';

export interface TimelineOptions {
  /** The newest time a mapped interaction may get (epoch ms). */
  end: number;
  /** How far back from `end` the mapped times may reach. */
  spanMs: number;
  /** Gaps between one user's interactions longer than this are shortened to it. */
  maxGapMs: number;
}

/**
 * Moves interactions that span years (MovieLens ratings) into the last `spanMs` before
 * `end`, where trackEvents accepts them, keeping what the model reads from their times.
 * The model's time kernel compares only one user's interactions with each other, so each
 * user's timeline is mapped apart: gaps up to `maxGapMs` (a session) are kept as they are,
 * longer ones (between sessions) shortened to `maxGapMs`, and a timeline still longer than
 * the span is scaled down to fit. A user's order is kept (equal times stay equal); the
 * users' timelines are placed by when each began in the original data, so the global order
 * is roughly kept too. Returns the mapped time of each interaction, by index.
 */
export function recentTimeline(interactions: readonly Interaction[], o: TimelineOptions): number[] {
  const byUser = new Map<number, number[]>();
  interactions.forEach((x, i) => {
    let list = byUser.get(x.user);
    if (!list) byUser.set(x.user, (list = []));
    list.push(i);
  });
  const time = (i: number) => interactions[i]!.at ?? 0;
  let first = Infinity;
  let last = -Infinity;
  for (const x of interactions) {
    first = Math.min(first, x.at ?? 0);
    last = Math.max(last, x.at ?? 0);
  }
  const start = o.end - o.spanMs;
  const out = new Array<number>(interactions.length);
  for (const list of byUser.values()) {
    list.sort((a, b) => time(a) - time(b) || a - b);
    const offsets: number[] = [0];
    for (let k = 1; k < list.length; k++) {
      const gap = time(list[k]!) - time(list[k - 1]!);
      offsets.push(offsets[k - 1]! + Math.min(gap, o.maxGapMs));
    }
    const length = offsets[offsets.length - 1]!;
    const scale = length > o.spanMs ? o.spanMs / length : 1;
    const position = last > first ? (time(list[0]!) - first) / (last - first) : 0;
    const begin = start + (o.spanMs - length * scale) * position;
    list.forEach((i, k) => (out[i] = Math.round(begin + offsets[k]! * scale)));
  }
  return out;
}
