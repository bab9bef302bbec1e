import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  buildItemModel,
  buildItemModelInWorker,
  encodeItemModel,
  recommendForHistory,
  TextIndex,
  type Interaction,
} from '../src/modules/recommendations/model/index.js';
import { seededRandom } from '../src/scripts/eval-recs/split.js';

/**
 * `npm run build && node dist/bench/recs-model.js`: the pure model at the size issue 5 names
 * (10 000 items, 2 000 users, 200 000 interactions, synthetic: Zipf popularity and 20 taste
 * groups): build time in-process and through the worker, event-loop stall during the worker
 * build, model size, and the per-request scoring latency. The serving bench measures the
 * whole recommendedContents query; this one isolates the model's share.
 */
const ITEMS = 10_000;
const USERS = 2_000;
const INTERACTIONS = 200_000;
const random = seededRandom(7);

function synthetic(): Interaction[] {
  const groups = 20;
  const zipf = Array.from({ length: ITEMS }, (_, i) => 1 / (i + 1));
  const cumulative: number[] = [];
  zipf.reduce((s, v, i) => (cumulative[i] = s + v), 0);
  const total = cumulative[ITEMS - 1]!;
  const draw = () => {
    const x = random() * total;
    let lo = 0;
    let hi = ITEMS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const out: Interaction[] = [];
  for (let n = 0; n < INTERACTIONS; n++) {
    const user = Math.floor(random() * USERS);
    // Half the engagement stays inside the user's taste group (items ≡ group mod groups).
    let item = draw();
    if (random() < 0.5) item = item - (item % groups) + (user % groups);
    // One interaction a minute, as serving passes each engagement's time (the time kernel).
    out.push({
      user,
      item: Math.min(item, ITEMS - 1),
      weight: 1 + Math.floor(random() * 3),
      at: Date.UTC(2026, 0, 1) + n * 60_000,
    });
  }
  return out;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)
  ]!;

const interactions = synthetic();
console.log(`${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}`);

let t = performance.now();
const model = buildItemModel(ITEMS, interactions);
console.log(`build in-process: ${((performance.now() - t) / 1000).toFixed(2)} s`);

let worst = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  worst = Math.max(worst, now - last);
  last = now;
}, 5);
t = performance.now();
await buildItemModelInWorker(ITEMS, interactions);
clearInterval(ticker);
console.log(
  `build in a worker: ${((performance.now() - t) / 1000).toFixed(2)} s, longest event-loop gap ${worst.toFixed(1)} ms`,
);
console.log(
  `model: ${model.neighbours.length} neighbours, ${(encodeItemModel(model).byteLength / 2 ** 20).toFixed(1)} MiB encoded`,
);

const histories = new Map<number, Map<number, number>>();
for (const { user, item, weight } of interactions) {
  const h = histories.get(user) ?? new Map<number, number>();
  h.set(item, (h.get(item) ?? 0) + weight);
  histories.set(user, h);
}
const times: number[] = [];
// The first pass warms the JIT up and is not counted.
for (const pass of [0, 1]) {
  for (const history of histories.values()) {
    const started = performance.now();
    recommendForHistory(model, history, new Set(), 50);
    if (pass) times.push(performance.now() - started);
  }
}
console.log(
  `recommendForHistory (limit 50, ${histories.size} users): p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms`,
);

const words = 'river mountain bread code music film garden travel design science'.split(' ');
const index = new TextIndex();
t = performance.now();
for (let i = 0; i < ITEMS; i++) {
  const pick = () => words[Math.floor(random() * words.length)]!;
  const body = Array.from({ length: 150 }, () => `${pick()}${Math.floor(random() * 300)}`);
  index.add(String(i), { title: `${pick()} ${pick()}`, body: body.join(' '), tags: [pick()] });
}
console.log(
  `TextIndex: ${ITEMS} documents of 150 words indexed in ${(performance.now() - t).toFixed(0)} ms`,
);
t = performance.now();
index.similar('0', 10);
console.log(
  `TextIndex: first query (computes every norm) ${(performance.now() - t).toFixed(0)} ms`,
);
const similar: number[] = [];
for (let i = 0; i < 400; i++) {
  const started = performance.now();
  index.similar(String(i), 10);
  if (i >= 200) similar.push(performance.now() - started);
}
console.log(
  `TextIndex.similar: p50 ${percentile(similar, 50).toFixed(2)} ms, p99 ${percentile(similar, 99).toFixed(2)} ms`,
);
