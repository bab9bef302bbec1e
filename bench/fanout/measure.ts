import { performance } from 'node:perf_hooks';
import { Audience } from './audience.js';
import { cpuSeconds, rssKiB } from './processes.js';
import type { SocketSpec } from './protocol.js';

/** What one case fans out through: Marquee server process(es), or the raw `ws` ceiling. */
export interface Fanout {
  /** The server processes: their memory and CPU are the server's. */
  pids: number[];
  /** One per subscriber. */
  sockets: SocketSpec[];
  protocol: 'graphql' | 'raw';
  query: string;
  variables: Record<string, unknown>;
  /** Sends message `seq`; its body carries the send time. */
  send(seq: number): Promise<void>;
  /** One small request to the server (`{ __typename }` over HTTP); none for the ceiling. */
  probe?: () => Promise<void>;
}

export interface Plan {
  /** Measured messages. */
  messages: number;
  /** Messages delivered to everyone before measuring (JIT, caches, pools). */
  warmup: number;
}

export interface Measured {
  p50Ms: number;
  p99Ms: number;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  serverKiBPerConnection: number;
  /** From the first socket opening to every subscription live (±0.5 s: polled). */
  liveAfterSeconds: number;
  /** CPU while measuring, 100 = one core: the servers summed, and the subscriber process. */
  serverCpuPercent: number;
  clientCpuPercent: number;
  /** The servers' CPU time over the measured messages, per delivery (load-independent-ish). */
  serverCpuUsPerDelivery: number;
  /**
   * Requests sent every PROBE_EVERY_MS while one more message fans out (after the measured
   * ones): how long the slowest and the median waited, and how many were sent. Absent for
   * the ceiling, which serves no requests.
   */
  probes?: { count: number; p50Ms: number; maxMs: number };
  otherFrames: number;
  sampleFrame: string;
}

const SETTLE_MS = 500;
const READY_POLL_MS = 500;
const READY_TIMEOUT_MS = 120_000;
const DELIVERY_TIMEOUT_MS = 60_000;
/** Sent before the baseline memory is read, to nobody. */
const PRIMING_SEQ = 999_999;
const PROBE_EVERY_MS = 10;

/**
 * One case: connect every subscriber, wait until all are live, warm up, then send
 * `plan.messages` messages, each once the previous one has reached every subscriber
 * (closed loop: a latency is one fan-out, never a queue left behind by the last one).
 */
export async function measure(f: Fanout, plan: Plan): Promise<Measured> {
  const audience = new Audience();
  try {
    // The first request's own allocations (JIT, caches) are not the connections'.
    await f.send(PRIMING_SEQ);
    await sleep(SETTLE_MS);
    const before = sum(f.pids.map(rssKiB));
    const opening = performance.now();
    await audience.request(
      {
        type: 'open',
        sockets: f.sockets,
        protocol: f.protocol,
        query: f.query,
        variables: f.variables,
      },
      'opened',
    );
    await audience.request({ type: 'subscribe' }, 'subscribed');

    // graphql-ws does not acknowledge a subscription: one is live once a message reaches it.
    // One such message at a time, until its fan-out stops growing: more would only queue
    // work on a server still taking subscriptions, or overlap the first measured message.
    let seq = 0;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!audience.receiving) {
      if (Date.now() > deadline) throw new Error('the subscriptions did not all become live');
      const probe = seq++;
      await f.send(probe);
      for (let last = -1, now = 0; now !== last;) {
        last = now;
        await sleep(READY_POLL_MS);
        now = await audience.count(probe);
      }
    }
    const liveAfterSeconds = (performance.now() - opening) / 1000;
    await sleep(SETTLE_MS);
    const after = sum(f.pids.map(rssKiB));

    const sendInTurn = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const s = seq++;
        await Promise.all([audience.delivered(s, DELIVERY_TIMEOUT_MS), f.send(s)]);
      }
    };
    await sendInTurn(plan.warmup);
    audience.tell({ type: 'measure', from: seq });
    const serverCpu = sum(f.pids.map(cpuSeconds));
    const clientCpu = cpuSeconds(audience.pid);
    const t0 = performance.now();
    await sendInTurn(plan.messages);
    const seconds = (performance.now() - t0) / 1000;
    const cpuPercent = (used: number) => (used / seconds) * 100;
    const serverCpuPercent = cpuPercent(sum(f.pids.map(cpuSeconds)) - serverCpu);
    const clientCpuPercent = cpuPercent(cpuSeconds(audience.pid) - clientCpu);

    const report = await audience.report();
    const probes = f.probe && (await probeDuring(f.probe, () => sendInTurn(1)));
    const span = report.spanMs / 1000;
    return {
      p50Ms: report.p50Ms,
      p99Ms: report.p99Ms,
      deliveriesPerSecond: report.deliveries / span,
      messagesPerSecond: plan.messages / span,
      serverKiBPerConnection: (after - before) / f.sockets.length,
      liveAfterSeconds,
      serverCpuPercent,
      clientCpuPercent,
      serverCpuUsPerDelivery:
        ((serverCpuPercent / 100) * seconds * 1e6) / (plan.messages * f.sockets.length),
      probes,
      otherFrames: report.otherFrames,
      sampleFrame: report.sampleFrame,
    };
  } finally {
    await audience.close();
  }
}

/**
 * Runs `fanOut` (one message to everyone) and meanwhile starts `probe()` every
 * PROBE_EVERY_MS, each without waiting for the previous one: a probe's latency is how long
 * a request arriving at that moment of the fan-out waits. Probes still running when the
 * fan-out ends are awaited and counted.
 */
async function probeDuring(probe: () => Promise<void>, fanOut: () => Promise<void>) {
  const waits: Promise<number>[] = [];
  const timed = async () => {
    const t0 = performance.now();
    await probe();
    return performance.now() - t0;
  };
  let running = true;
  const ticker = (async () => {
    while (running) {
      waits.push(timed());
      await sleep(PROBE_EVERY_MS);
    }
  })();
  try {
    await fanOut();
  } finally {
    running = false;
    await ticker;
  }
  const ms = (await Promise.all(waits)).sort((a, b) => a - b);
  return { count: ms.length, p50Ms: ms[Math.floor(ms.length / 2)]!, maxMs: ms[ms.length - 1]! };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
