import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { ceilingCase, marqueeCase, SUBSCRIPTION, type Kind } from './fanout/cases.js';
import { createFixture, type Fixture } from './fanout/fixture.js';
import type { Measured, Plan } from './fanout/measure.js';
import { killStragglers, startMarquee } from './fanout/processes.js';
import { sqlPerDelivery } from './fanout/sql-probe.js';
import { postgresRedisBackend, sqliteBackend, type Backend } from './support/backends.js';
import { HEADER, tableRow } from './fanout/table.js';

/**
 * `npm run bench:fanout`: one event to N subscribers of one conversation (chatEvents) and
 * of one content (commentAdded) over real WebSockets, through one Marquee process (SQLite,
 * in-process pub/sub) and through two (PostgreSQL + Redis), beside a raw `ws` broadcast of
 * the same frame as the ceiling. Servers, ceiling and subscribers are separate processes,
 * so each one's memory and CPU are its own. Knobs (environment):
 *   FANOUT_N=1000,5000  FANOUT_CASES=chat,comment  FANOUT_PROCESSES=1,2
 *   FANOUT_MESSAGES=6 (measured per case)  FANOUT_WARMUP=1
 *   FANOUT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (a database is created there)
 *   FANOUT_REDIS_URL=redis://127.0.0.1:6379 (keys under a fresh prefix)
 */
const env = process.env;
const list = (name: string, fallback: string) =>
  (env[name] || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const ns = list('FANOUT_N', '1000,5000').map(Number);
const kinds = list('FANOUT_CASES', 'chat,comment') as Kind[];
const processCounts = list('FANOUT_PROCESSES', '1,2').map(Number);
const plan: Plan = {
  messages: Number(env.FANOUT_MESSAGES || 6),
  warmup: Number(env.FANOUT_WARMUP || 1),
};
if (
  ![...ns, plan.messages].every((x) => Number.isInteger(x) && x > 0) ||
  !Number.isInteger(plan.warmup) ||
  plan.warmup < 0 ||
  !kinds.every((k) => k in SUBSCRIPTION) ||
  !processCounts.every((p) => p === 1 || p === 2)
) {
  console.error('Bad FANOUT_* value: see the comment at the top of bench/fanout.ts');
  process.exit(1);
}

const serverEnv = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  JWT_SECRET: randomBytes(32).toString('hex'),
  API_KEY_SECRET: randomBytes(32).toString('hex'),
  ADS_TOKEN_SECRET: randomBytes(32).toString('hex'),
  CHAT_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
  // Rate limits are configuration: a benchmark's one sender would hit the defaults at once.
  CHAT_RATE_PER_CONVERSATION: '1000000',
  CHAT_RATE_OVERALL: '1000000',
  SIGNUP_RATE_LIMIT: '1000000',
  // Nothing here is scheduled: no ticks querying the database between fan-outs.
  SCHEDULER_INTERVAL_MS: '86400000',
  // Every subscriber connects from 127.0.0.1, one socket each.
  WS_MAX_CONNECTIONS: '1000000',
  WS_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
};

interface Variant {
  processes: number;
  label: string;
  storage: Backend;
  fixture?: Fixture;
}

const started = Date.now();
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
    `load average at start ${load} (1, 5, 15 min)`,
);
console.log(
  `${plan.messages} measured messages per case (after ${plan.warmup} warm-up), ` +
    'each sent once the previous one reached every subscriber.',
);

const variants: Variant[] = [];
process.once('SIGINT', killStragglers);
// Servers are spawned without an IPC channel: they would outlive an orchestrator that crashed.
process.once('exit', killStragglers);
try {
  if (processCounts.includes(1)) {
    variants.push({ processes: 1, label: '1 (SQLite)', storage: sqliteBackend() });
  }
  if (processCounts.includes(2)) {
    const storage = await postgresRedisBackend(
      env.FANOUT_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
      env.FANOUT_REDIS_URL || 'redis://127.0.0.1:6379',
    );
    variants.push({ processes: 2, label: '2 (PostgreSQL + Redis)', storage });
  }
  for (const v of variants) {
    const server = await startMarquee({ ...serverEnv, ...v.storage.env });
    try {
      v.fixture = await createFixture(server.url);
    } finally {
      await server.stop();
    }
  }

  const rows: string[] = [];
  const row = (what: string, n: number, processes: string, m: Measured | Error) => {
    const line = tableRow(what, n, processes, m);
    rows.push(line);
    console.error(line); // progress, while the table waits for the last case
    if (!(m instanceof Error) && m.otherFrames) {
      console.error(`  (${m.otherFrames} frames that were not a benchmark message)`);
    }
  };
  const attempt = <T>(work: () => Promise<T>) =>
    work().catch((e: unknown) => {
      console.error(e);
      return e as Error;
    });

  for (const n of ns) {
    for (const kind of kinds) {
      let frame = '';
      for (const v of variants) {
        const env = { ...serverEnv, ...v.storage.env };
        const m = await attempt(() => marqueeCase(kind, n, v.processes, env, v.fixture!, plan));
        if (!(m instanceof Error)) frame ||= m.sampleFrame;
        row(SUBSCRIPTION[kind], n, v.label, m);
      }
      if (frame) {
        const what = `ceiling: raw ws, the ${SUBSCRIPTION[kind]} frame (${Buffer.byteLength(frame)} B)`;
        row(what, n, '1 (ws only)', await attempt(() => ceilingCase(n, frame, plan)));
      }
    }
  }

  console.log('');
  for (const line of [...HEADER, ...rows]) console.log(line);

  console.log('');
  console.log('| SQL statements per delivered event | statements |');
  console.log('| --- | --: |');
  for (const f of await sqlPerDelivery()) console.log(`| ${f.subscriber} | ${f.perDelivery} |`);
  console.log('');
  console.log(`Whole run: ${Math.round((Date.now() - started) / 1000)} s`);
} finally {
  killStragglers();
  for (const v of variants) await v.storage.drop();
}
