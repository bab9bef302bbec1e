import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import type { Em } from '../src/infra/db.js';
import { Content, ContentKind, ContentStatus } from '../src/modules/content/index.js';
import { recommendations } from '../src/modules/recommendations/index.js';
import { startServer } from '../src/server.js';
import { postgresRedisBackend, sqliteBackend, type Backend } from './support/backends.js';
import { gql, percentile } from './support/server-process.js';
import { startProfile } from './support/profile.js';

/**
 * `npm run bench:recs`: recommendedContents over 10 000 items, 2 000 users and 200 000
 * interactions (topic-clustered tastes, Zipf popularity), on the embedded SQLite database
 * and on PostgreSQL + Redis (a fresh database; BENCH_DATABASE_URL / BENCH_REDIS_URL, or the
 * local defaults; BENCH_SKIP_POSTGRES=true skips it): the model rebuild time and the request
 * latency (HTTP on localhost, one at a time, server in this process).
 * `BENCH_TRACE=1` also prints the SQL statements of the signed-in requests by shape;
 * `BENCH_PROFILE=prefix` writes a CPU profile of them per backend (prefix.SQLite.cpuprofile,
 * prefix.PostgreSQL.cpuprofile; open them in Chrome DevTools).
 */
const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 2_000);
const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 200_000);
const SIGNED_IN = 50;
const TOPICS = 50;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);

const WORDS =
  'river mountain garden recipe bread guitar violin chess football tennis coding rust python galaxy planet camera lens portrait sunset ocean forest desert city train bicycle coffee tea wine cheese pasta poetry novel theatre dance yoga running climbing sailing fishing painting pottery knitting robots drones physics biology history finance startup design fashion'.split(
    ' ',
  );

/** A small deterministic PRNG (mulberry32), so runs are comparable. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let random = rng(42);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
/** Zipf-like rank in [0, n): small ranks much more likely. */
const zipf = (n: number) => Math.min(n - 1, Math.floor(n * random() ** 2.5));

interface Figures {
  backend: string;
  startMs: number;
  rebuildMs: number;
  personal: number[];
  anonymous: number[];
  statementsPerRequest: number;
  statements: Map<string, { n: number; ms: number }>;
}

async function run(backend: Backend): Promise<Figures> {
  random = rng(42); // the same data on every backend
  const config = loadConfig({
    ...backend.env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    NODE_ENV: 'test',
    RECS_REBUILD_INTERVAL_MS: String(24 * 3600_000),
    // Every benchmark client shares one address, and a few send many events: limits aside.
    SIGNUP_RATE_LIMIT: '1000000',
    TRACK_RATE_PER_CLIENT: '1000000000',
    TRACK_RATE_PER_ADDRESS: '1000000000',
    TRACK_PER_CONTENT_PER_ADDRESS: '1000000000',
  });
  // Per statement shape (literals stripped): how often and how long, during the timed requests.
  const statements = new Map<string, { n: number; ms: number }>();
  let recording = false;
  let statementCount = 0;
  const options = {
    onQuery: (sql: string, tookMs?: number) => {
      if (!recording) return;
      statementCount++;
      const shape = sql
        .replace(/'[^']*'/g, '?')
        .replace(/(\?, )+\?/g, '…')
        .replace(/(\$\d+, )+\$\d+/g, '…')
        .slice(0, 140);
      const s = statements.get(shape) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += tookMs ?? 0;
      statements.set(shape, s);
    },
  };
  // Seeded through one server, measured on a second one started on the same data, as after
  // a restart: it indexes the content's text at start, as production does.
  let server = await startServer(config, options);
  let startMs = 0;
  try {
    const tokens: { id: string; token: string }[] = [];
    for (let i = 0; i < SIGNED_IN; i++) {
      const { signUp } = await gql<{ signUp: { token: string; user: { id: string } } }>(
        server.url,
        `mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }`,
        {
          i: {
            email: `u${i}@bench.test`,
            password: 'bench password 123',
            handle: `user${i}`,
            displayName: `U ${i}`,
          },
        },
      );
      tokens.push({ id: signUp.user.id, token: signUp.token });
    }

    // Items: each in one topic, titled and tagged from that topic's words.
    const em = server.orm.em.fork() as Em;
    const topicOf: number[] = [];
    const itemIds: string[] = [];
    const byTopic: string[][] = Array.from({ length: TOPICS }, () => []);
    const now = Date.now();
    for (let start = 0; start < ITEMS; start += 1000) {
      const rows = [];
      for (let i = start; i < Math.min(ITEMS, start + 1000); i++) {
        const topic = i % TOPICS;
        const words = [WORDS[topic]!, pick(WORDS), WORDS[(topic * 7) % WORDS.length]!];
        const at = new Date(now - random() * 30 * 86400_000);
        const id = randomUUID();
        rows.push({
          id,
          kind: ContentKind.ARTICLE,
          title: `${words.join(' ')} ${i}`,
          body: `All about ${words.join(', ')} and more ${pick(WORDS)}.`,
          tags: [WORDS[topic]!],
          media: [],
          status: ContentStatus.PUBLISHED,
          author: tokens[i % SIGNED_IN]!.id,
          createdAt: at,
          updatedAt: at,
          publishedAt: at,
          listedAt: at,
        });
        topicOf.push(topic);
        itemIds.push(id);
        byTopic[topic]!.push(id);
      }
      await em.insertMany(Content, rows);
    }

    // Interactions: each user favours 3 topics (80% of their engagement), popular items more.
    const viewers = [
      ...tokens.map((t) => `u:${t.id}`),
      ...Array.from({ length: USERS - SIGNED_IN }, () => `u:${randomUUID()}`),
    ];
    const pairs = new Map<string, [string, string, number]>();
    const tastes = viewers.map(() => [zipf(TOPICS), zipf(TOPICS), zipf(TOPICS)]);
    // Draw until there are INTERACTIONS distinct user–item pairs, about perUser per user.
    for (let round = 0; pairs.size < INTERACTIONS; round++) {
      const v = round % viewers.length;
      const viewer = viewers[v]!;
      const topic = random() < 0.8 ? pick(tastes[v]!) : Math.floor(random() * TOPICS);
      const items = byTopic[topic]!;
      const item = items[zipf(items.length)]!;
      pairs.set(`${viewer}|${item}`, [viewer, item, 1 + Math.floor(random() * 5)]);
    }
    const rows = [...pairs.values()];
    const connection = em.getConnection();
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      await connection.execute(
        `insert into rec_engagements (viewer_key, content_id, score, kinds, last_at) values ${chunk.map(() => '(?, ?, ?, 2, ?)').join(', ')} on conflict do nothing`,
        // Stored as forward-decayed scores relative to 2026-01-01 (see recs.weights.ts).
        chunk.flatMap(([v, c, w]) => [
          v,
          c,
          w * 2 ** ((now - Date.UTC(2026, 0, 1)) / (30 * 86400_000)),
          now - Math.floor(random() * 30 * 86400_000),
        ]),
      );
    }

    await server.close();
    const started = performance.now();
    server = await startServer(config, options);
    startMs = performance.now() - started;

    const t0 = performance.now();
    await server.use(recommendations).models.rebuild();
    const rebuildMs = performance.now() - t0;

    const ask = (token: string | null) =>
      gql(
        server.url,
        `{ recommendedContents(first: 20) { score reason explanation content { id title author { handle } } becauseOf { id } } }`,
        {},
        token ?? undefined,
      );
    for (let i = 0; i < 30; i++) await ask(tokens[i % SIGNED_IN]!.token); // warm up
    const profiler = process.env.BENCH_PROFILE ? await startProfile() : null;
    const personal: number[] = [];
    recording = true;
    for (let i = 0; i < REQUESTS; i++) {
      const s = performance.now();
      await ask(tokens[i % SIGNED_IN]!.token);
      personal.push(performance.now() - s);
    }
    recording = false;
    if (profiler)
      await profiler.stop(`${process.env.BENCH_PROFILE}.${backend.name.split(' ')[0]}.cpuprofile`);
    const statementsPerRequest = statementCount / REQUESTS;
    const anonymous: number[] = [];
    for (let i = 0; i < REQUESTS / 4; i++) {
      const s = performance.now();
      await ask(null);
      anonymous.push(performance.now() - s);
    }

    return {
      backend: backend.name,
      startMs,
      rebuildMs,
      personal,
      anonymous,
      statementsPerRequest,
      statements,
    };
  } finally {
    await server.close();
  }
}

const backends: (() => Promise<Backend>)[] = [async () => sqliteBackend()];
if (process.env.BENCH_SKIP_POSTGRES !== 'true') {
  backends.push(() =>
    postgresRedisBackend(
      process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    ),
  );
}
const results: Figures[] = [];
for (const make of backends) {
  const backend = await make();
  try {
    results.push(await run(backend));
  } finally {
    await backend.drop();
  }
}

const ms = (xs: number[]) =>
  `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 99).toFixed(1)} ms`;
console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `Data: ${ITEMS} items in ${TOPICS} topics, ${USERS} users, ${INTERACTIONS} distinct user–item interactions; ` +
    `recommendedContents(first: 20) over HTTP, one request at a time: ${REQUESTS} signed-in (${SIGNED_IN} users), ${REQUESTS / 4} anonymous.`,
);
console.log('');
console.log(`| measure | ${results.map((r) => r.backend).join(' | ')} |`);
console.log(`| --- |${results.map(() => ' --- |').join('')}`);
const row = (name: string, f: (r: Figures) => string) =>
  console.log(`| ${name} | ${results.map(f).join(' | ')} |`);
row(
  'model rebuild (read engagement, build in a worker thread, persist)',
  (r) => `${(r.rebuildMs / 1000).toFixed(2)} s`,
);
row(
  'server start (includes indexing the text of every published content)',
  (r) => `${(r.startMs / 1000).toFixed(2)} s`,
);
row('signed-in, p50 / p99', (r) => ms(r.personal));
row('anonymous, p50 / p99', (r) => ms(r.anonymous));
row('SQL statements per signed-in request (mean)', (r) => r.statementsPerRequest.toFixed(2));
if (process.env.BENCH_TRACE) {
  for (const r of results) {
    console.log(`\n${r.backend}, signed-in requests by statement shape: per request, mean ms`);
    for (const [shape, { n, ms }] of [...r.statements].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`${(n / REQUESTS).toFixed(2)}  ${(ms / n).toFixed(2)} ms  ${shape}`);
    }
  }
}
