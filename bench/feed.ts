import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresRedisBackend } from './support/backends.js';
import {
  freePort,
  gql,
  percentile,
  startServerProcess,
  type ServerProcess,
} from './support/server-process.js';
import { closedLoop, type LoadResult } from './feed/load.js';
import { seed } from './feed/seed.js';
import { marqueeStatements } from './feed/sql-count.js';

/**
 * `npm run bench:feed`: the same feed on the same PostgreSQL data, through Marquee and
 * through PostGraphile 4, side by side: the 20 newest published contents with their
 * author's handle and display name, like and comment counts, and whether the viewer likes
 * each, signed in. Each server runs in its own process; the clients (a closed loop of
 * FEED_CLIENTS, FEED_SECONDS a round) alternate between them for FEED_ROUNDS rounds.
 * Server CPU is read from /proc/<pid>/stat. Marquee's SQL statements per request are
 * counted by the same build in this process, on the same database (feed/sql-count.ts).
 *
 * FEED_DATABASE_URL (an admin URL; a fresh database is made and dropped), FEED_REDIS_URL,
 * FEED_PROFILE=<dir> (Marquee's process writes a --cpu-prof profile there),
 * FEED_TRACE=1 (prints Marquee's statements by shape).
 */
const env = process.env;
const CLIENTS = Number(env.FEED_CLIENTS ?? 8);
const SECONDS = Number(env.FEED_SECONDS ?? 10);
const ROUNDS = Number(env.FEED_ROUNDS ?? 3);
const AUTHORS = 50;
const CONTENTS = 2222; // one in ten a draft: 2 000 published
const here = dirname(fileURLToPath(import.meta.url));

const MARQUEE_FEED = `query Feed { contents(first: 20) { edges { node {
  id title likeCount commentCount viewerHasLiked author { handle displayName } } } } }`;
const POSTGRAPHILE_FEED = `query Feed { allContents(first: 20, orderBy: [LISTED_AT_DESC, ID_DESC],
  condition: { status: "PUBLISHED" }) { nodes {
  id title likeCount commentCount viewerHasLiked userByAuthorId { handle displayName } } } }`;

interface Item {
  id: string;
  title: string;
  likeCount: number;
  commentCount: number;
  viewerHasLiked: boolean;
  author: { handle: string; displayName: string };
}
const marqueeItems = (json: unknown): Item[] => {
  const r = json as { data?: { contents: { edges: { node: Item }[] } }; errors?: unknown };
  if (!r.data?.contents) throw new Error(`Marquee answered ${JSON.stringify(r.errors)}`);
  return r.data.contents.edges.map((e) => e.node);
};
const postgraphileItems = (json: unknown): Item[] => {
  type Node = Omit<Item, 'author'> & { userByAuthorId: Item['author'] };
  const r = json as { data?: { allContents: { nodes: Node[] } }; errors?: unknown };
  if (!r.data?.allContents) throw new Error(`PostGraphile answered ${JSON.stringify(r.errors)}`);
  return r.data.allContents.nodes.map(({ userByAuthorId, ...n }) => ({
    ...n,
    author: userByAuthorId,
  }));
};

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const secrets = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  API_KEY_SECRET: randomBytes(32).toString('hex'),
  ADS_TOKEN_SECRET: randomBytes(32).toString('hex'),
  CHAT_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
};
const storage = await postgresRedisBackend(
  env.FEED_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  env.FEED_REDIS_URL || 'redis://127.0.0.1:6379',
);
const marqueeEnv = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  ...secrets,
  SIGNUP_RATE_LIMIT: '1000000',
  // Nothing is scheduled here: no ticks querying the database between requests.
  SCHEDULER_INTERVAL_MS: '86400000',
  ...storage.env,
};
const profileDir = env.FEED_PROFILE;
// A first server migrates the database and signs the viewer up; the measured one starts
// after the seeding, so that its start-up (which indexes published content for
// recommendations) has read it all before it serves, not while it is measured.
let marquee: ServerProcess | null = null;
let postgraphile: { pid: number; url: string; stop(): Promise<void> } | null = null;
try {
  marquee = await startServerProcess(marqueeEnv);
  const { signUp } = await gql<{ signUp: { token: string; user: { id: string } } }>(
    marquee.url,
    `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }`,
    {
      input: {
        email: 'viewer@feed.bench',
        password: 'feed bench password',
        handle: 'viewer',
        displayName: 'Viewer',
      },
    },
  );
  await seed(storage.env.DATABASE_URL!, signUp.user.id, { authors: AUTHORS, contents: CONTENTS });
  await marquee.stop();
  marquee = await startServerProcess(
    marqueeEnv,
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const auth = { authorization: `Bearer ${signUp.token}` };

  const port = await freePort();
  const child = fork(join(here, 'feed', 'postgraphile-server.js'), {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: storage.env.DATABASE_URL!,
      JWT_SECRET: secrets.JWT_SECRET,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await once(child, 'message');
  postgraphile = {
    pid: child.pid!,
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };

  // Both must answer the same feed before anything is measured.
  const post = async (url: string, query: string) =>
    (await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query }),
    }).then((r) => r.json())) as unknown;
  const a = marqueeItems(await post(marquee.url, MARQUEE_FEED));
  const b = postgraphileItems(await post(postgraphile.url, POSTGRAPHILE_FEED));
  if (a.length !== 20 || JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`the feeds differ:\n${JSON.stringify(a[0])}\n${JSON.stringify(b[0])}`);
  if (!a.some((i) => i.viewerHasLiked) || !a.some((i) => !i.viewerHasLiked))
    throw new Error('the feed should hold liked and unliked contents');

  const sides = [
    {
      name: 'Marquee',
      pid: marquee.pid,
      url: marquee.url,
      body: JSON.stringify({ query: MARQUEE_FEED }),
      check: marqueeItems,
      runs: [] as { load: LoadResult; cpu: number }[],
    },
    {
      name: 'PostGraphile 4',
      pid: postgraphile.pid,
      url: postgraphile.url,
      body: JSON.stringify({ query: POSTGRAPHILE_FEED }),
      check: postgraphileItems,
      runs: [] as { load: LoadResult; cpu: number }[],
    },
  ];
  // Warm-up: JIT, pools, plans.
  for (const s of sides) await closedLoop(s.url, auth, s.body, CLIENTS, 2, s.check);
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of round % 2 ? [...sides].reverse() : sides) {
      const cpu0 = cpuSeconds(s.pid);
      const load = await closedLoop(s.url, auth, s.body, CLIENTS, SECONDS, s.check);
      s.runs.push({ load, cpu: cpuSeconds(s.pid) - cpu0 });
    }
  }

  const statements = await marqueeStatements({ ...marqueeEnv, HOST: '127.0.0.1' }, async (url) => {
    marqueeItems(
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ query: MARQUEE_FEED }),
      }).then((r) => r.json()),
    );
  });

  console.log(
    `\nbench:feed: ${CLIENTS} clients, ${ROUNDS} rounds of ${SECONDS} s each, alternating; ` +
      `${CONTENTS - Math.floor(CONTENTS / 10)} published contents by ${AUTHORS} authors, PostgreSQL + Redis; ` +
      `${cpus().length} × ${cpus()[0]?.model.trim()}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
  );
  console.log(
    '| server | req/s (rounds) | p50 ms | p99 ms | server CPU ms/req | SQL statements/req |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const s of sides) {
    const all = s.runs.flatMap((r) => r.load.latenciesMs);
    const requests = s.runs.reduce((n, r) => n + r.load.requests, 0);
    const rates = s.runs.map((r) => (r.load.requests / r.load.seconds).toFixed(0));
    const rate = requests / s.runs.reduce((t, r) => t + r.load.seconds, 0);
    const cpuMs = (s.runs.reduce((t, r) => t + r.cpu, 0) * 1000) / requests;
    const sql =
      s.name === 'Marquee'
        ? statements.perRequest.toFixed(1)
        : '1 (in begin; set_config; …; commit)';
    console.log(
      `| ${s.name} | ${rate.toFixed(0)} (${rates.join(', ')}) | ${percentile(all, 50).toFixed(1)} | ` +
        `${percentile(all, 99).toFixed(1)} | ${cpuMs.toFixed(2)} | ${sql} |`,
    );
  }
  const [m, p] = sides.map(
    (s) =>
      s.runs.reduce((n, r) => n + r.load.requests, 0) /
      s.runs.reduce((t, r) => t + r.load.seconds, 0),
  );
  console.log(`\nMarquee / PostGraphile req/s: ${(m! / p!).toFixed(2)}×`);
  if (env.FEED_TRACE) {
    console.log('\nMarquee statements per request, by shape:');
    for (const [shape, n] of statements.shapes) console.log(`  ${n.toFixed(2)}  ${shape}`);
  }
} finally {
  await postgraphile?.stop();
  await marquee?.stop();
  await storage.drop();
}
