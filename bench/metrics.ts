import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { postgresRedisBackend, sqliteBackend, type Backend } from './support/backends.js';
import {
  gql,
  percentile,
  startServerProcess,
  type ServerProcess,
} from './support/server-process.js';

/**
 * `npm run bench:metrics`: ingestion (events per second sustained in batches of 100, and
 * the trackEvents latency) and the cost of 1 000 contentMetrics subscribers of one
 * content, against a server in its own process, on the embedded default and (when
 * BENCH_DATABASE_URL and BENCH_REDIS_URL are set, or the local defaults answer) on
 * PostgreSQL + Redis.
 */
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BATCH = 100;
const CONTENTS = 200;
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const ADMIN = 'bench-admin@marquee.test';
/** `BENCH_METRICS_ONLY=ingest`: the ingestion figures alone (no subscriber run). */
const ONLY_INGEST = process.env.BENCH_METRICS_ONLY === 'ingest';

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }`;
const CREATE = `mutation($i: CreateContentInput!) { createContent(input: $i) { id } }`;
const PUBLISH = `mutation($id: ID!) { publishContent(id: $id) { id } }`;
const TRACK = `mutation($e: [TrackEventInput!]!) { trackEvents(events: $e) { accepted duplicates } }`;
const METRICS = `subscription($id: ID!) { contentMetrics(contentId: $id) { shares at } }`;

async function signUp(url: string, handle: string, email = `${handle}@bench.test`) {
  const { signUp } = await gql<{ signUp: { token: string } }>(url, SIGN_UP, {
    i: { email, password: 'bench password 123', handle, displayName: handle },
  });
  return signUp.token;
}

function batch(contentIds: string[]): unknown[] {
  return Array.from({ length: BATCH }, () => {
    const r = Math.random();
    const contentId = contentIds[Math.floor(Math.random() * contentIds.length)]!;
    if (r < 0.6) return { id: randomUUID(), type: 'VIEW', contentId };
    if (r < 0.85) return { id: randomUUID(), type: 'WATCH', contentId, watchSeconds: 10 };
    return { id: randomUUID(), type: 'SHARE', contentId };
  });
}

async function ingestion(server: ServerProcess, tokens: string[], contentIds: string[]) {
  const latencies: number[] = [];
  let accepted = 0;
  const end = performance.now() + INGEST_SECONDS * 1000;
  const t0 = performance.now();
  const cpu0 = server.cpuSeconds();
  await Promise.all(
    tokens.map(async (token) => {
      while (performance.now() < end) {
        const s = performance.now();
        const r = await gql<{ trackEvents: { accepted: number } }>(
          server.url,
          TRACK,
          { e: batch(contentIds) },
          token,
        );
        latencies.push(performance.now() - s);
        accepted += r.trackEvents.accepted;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    eventsPerSecond: accepted / seconds,
    // Less at the mercy of a shared machine than the rate: what the server spent per event.
    serverCpuMsPer1000: ((server.cpuSeconds() - cpu0) * 1e6) / accepted,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    calls: latencies.length,
  };
}

/** Sends SHARE batches for one content every 50 ms for `seconds`; returns the server CPU seconds used. */
async function load(
  server: ServerProcess,
  token: string,
  contentId: string,
  seconds: number,
): Promise<number> {
  const cpu0 = server.cpuSeconds();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const events = Array.from({ length: 20 }, () => ({
      id: randomUUID(),
      type: 'SHARE',
      contentId,
    }));
    await Promise.all([
      gql(server.url, TRACK, { e: events }, token),
      new Promise((r) => setTimeout(r, 50)),
    ]);
  }
  return server.cpuSeconds() - cpu0;
}

/** The median of 9 RSS samples over ~2 s: one sample is at the mercy of the collector. */
async function medianRss(server: ServerProcess): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 9; i++) {
    samples.push(server.rss());
    await new Promise((r) => setTimeout(r, 250));
  }
  return percentile(samples, 50);
}

/** Milliseconds between the first and the last update (by their `at`). */
function span(arrivals: Map<string, number[]>): number {
  const times = [...arrivals.keys()].map((at) => Date.parse(at));
  return times.length ? Math.max(...times) - Math.min(...times) : 0;
}

async function subscribers(
  server: ServerProcess,
  authorToken: string,
  viewerToken: string,
  contentId: string,
  idleCpu: number,
) {
  const rss0 = await medianRss(server);
  const perConnection = 100;
  const clients: Client[] = [];
  const arrivals = new Map<string, number[]>(); // update (its `at`) -> arrival times
  let received = 0;
  let firstValues = 0;
  let subscribed!: () => void;
  const allSubscribed = new Promise<void>((r) => (subscribed = r));
  for (let c = 0; c < SUBSCRIBERS / perConnection; c++) {
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${authorToken}` },
      lazy: false,
    });
    clients.push(client);
    for (let i = 0; i < perConnection; i++) {
      let first = true;
      client.subscribe<{ contentMetrics: { at: string } }>(
        { query: METRICS, variables: { id: contentId } },
        {
          next: ({ data }) => {
            if (first) {
              first = false;
              if (++firstValues === SUBSCRIBERS) subscribed();
              return;
            }
            received++;
            const at = data!.contentMetrics.at;
            const list = arrivals.get(at) ?? [];
            list.push(performance.now());
            arrivals.set(at, list);
          },
          error: (e) => console.error('subscription error', e),
          complete: () => undefined,
        },
      );
    }
  }
  await allSubscribed;
  const rss1 = await medianRss(server);
  const t0 = performance.now();
  const busyCpu = await load(server, viewerToken, contentId, LOAD_SECONDS);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 1500)); // the last updates
  const spreads = [...arrivals.values()]
    .filter((a) => a.length > SUBSCRIBERS / 2)
    .map((a) => Math.max(...a) - Math.min(...a));
  await Promise.all(clients.map((c) => c.dispose()));
  return {
    kibPerSubscriber: (rss1 - rss0) / 1024 / SUBSCRIBERS,
    rssGrowthMiB: (rss1 - rss0) / 1024 / 1024,
    // Over the span the updates were read in: from the first to the last update's `at`.
    updatesPerSubscriberPerSecond: received / SUBSCRIBERS / (span(arrivals) / 1000 + 1),
    spreadP50: percentile(spreads, 50),
    spreadP99: percentile(spreads, 99),
    idleCpuPct: (idleCpu / LOAD_SECONDS) * 100,
    busyCpuPct: (busyCpu / seconds) * 100,
  };
}

async function run(backend: Backend) {
  const env = {
    ...backend.env,
    ADMIN_EMAILS: ADMIN,
    CHAT_RATE_OVERALL: '1000000',
    // Every benchmark client shares one address, and a few send many events: limits aside.
    SIGNUP_RATE_LIMIT: '1000000',
    TRACK_RATE_PER_CLIENT: '1000000000',
    TRACK_RATE_PER_ADDRESS: '1000000000',
    TRACK_PER_CONTENT_PER_ADDRESS: '1000000000',
    // 100 subscriptions on each of SUBSCRIBERS / 100 sockets, all from 127.0.0.1.
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '100',
    WS_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  };
  let server = await startServerProcess(env);
  try {
    const author = await signUp(server.url, 'author');
    const tokens = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) => signUp(server.url, `viewer${i}`)),
    );
    const contentIds: string[] = [];
    for (let i = 0; i < CONTENTS; i++) {
      const { createContent } = await gql<{ createContent: { id: string } }>(
        server.url,
        CREATE,
        { i: { kind: 'ARTICLE', title: `Item ${i}`, body: 'Body' } },
        author,
      );
      await gql(server.url, PUBLISH, { id: createContent.id }, author);
      contentIds.push(createContent.id);
    }
    const ingest = await ingestion(server, tokens, contentIds);
    if (ONLY_INGEST) return { backend: backend.name, ingest, subs: null };
    const idleCpu = await load(server, tokens[0]!, contentIds[0]!, LOAD_SECONDS);
    // A fresh process for the subscribers, so that its memory is not the ingestion's garbage.
    await server.stop();
    server = await startServerProcess(env);
    const subs = await subscribers(server, author, tokens[0]!, contentIds[0]!, idleCpu);
    return { backend: backend.name, ingest, subs };
  } finally {
    await server.stop();
    await backend.drop();
  }
}

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const backends: (() => Promise<Backend>)[] = [async () => sqliteBackend()];
if (process.env.BENCH_SKIP_POSTGRES !== 'true')
  backends.push(() => postgresRedisBackend(databaseUrl, redisUrl));

console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `Ingestion: ${CONCURRENCY} clients, batches of ${BATCH} events (60% VIEW, 25% WATCH, 15% SHARE) over ${CONTENTS} contents, ${INGEST_SECONDS} s.`,
);
console.log(
  `Subscribers: ${SUBSCRIBERS} contentMetrics subscriptions of one content (${SUBSCRIBERS / 100} connections × 100), while 20 SHARE events arrive every 50 ms for ${LOAD_SECONDS} s.`,
);
console.log('');
console.log(
  '| backend | events/s | trackEvents p50 | p99 | server RSS growth (KiB per subscriber) | updates/subscriber/s | fan-out spread p50 / p99 | server CPU, no subscribers → 1 000 |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const make of backends) {
  const r = await run(await make());
  const { ingest: i, subs: s } = r;
  if (!s) {
    console.log(
      `| ${r.backend} | ${i.eventsPerSecond.toFixed(0)} | ${i.p50.toFixed(1)} ms | ${i.p99.toFixed(1)} ms | – | – | – | – | (server CPU ${i.serverCpuMsPer1000.toFixed(0)} ms per 1 000 events, ${i.calls} calls)`,
    );
    continue;
  }
  console.log(
    `| ${r.backend} | ${i.eventsPerSecond.toFixed(0)} | ${i.p50.toFixed(1)} ms | ${i.p99.toFixed(1)} ms | ${s.rssGrowthMiB.toFixed(1)} MiB (${s.kibPerSubscriber.toFixed(1)}) | ${s.updatesPerSubscriberPerSecond.toFixed(2)} | ${s.spreadP50.toFixed(1)} / ${s.spreadP99.toFixed(1)} ms | ${s.idleCpuPct.toFixed(0)}% → ${s.busyCpuPct.toFixed(0)}% |`,
  );
}
