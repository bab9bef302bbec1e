import { GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType } from 'graphql-ws';
import WebSocket, { type RawData } from 'ws';
import {
  bodyOf,
  parseBody,
  percentile,
  type FromSubscribers,
  type SocketSpec,
  type ToSubscribers,
} from './protocol.js';

/**
 * Child process of `npm run bench:fanout`: holds every subscriber socket, so that the
 * server's memory and CPU are measured apart from the clients'. Speaks graphql-transport-ws
 * by hand rather than through graphql-ws's client: a few lines per socket keep the client
 * side cheap, and the raw `ws` ceiling receives through the very same code (JSON.parse of
 * every frame, as a real client does).
 */

/** Sockets opening at once: thousands of simultaneous upgrades only measure the backlog. */
const OPENING = 100;

const reply = (m: FromSubscribers): void => {
  // Sockets close when the orchestrator dies: nobody is left to tell.
  if (process.connected) process.send!(m);
};
const sockets: WebSocket[] = [];
const acked: (() => void)[] = [];
const perSeq = new Map<number, number>();
let receiving = new Uint8Array(0);
let receivingCount = 0;
let measureFrom = Infinity;
const latencies: number[] = [];
let firstSent: bigint | null = null;
let lastArrival = 0n;
let otherFrames = 0;
let sampleFrame = '';
let closing = false;
let query: { query: string; variables: Record<string, unknown> } | undefined;

process.on('message', (m: ToSubscribers) => {
  handle(m).catch((e: unknown) => reply({ type: 'failed', error: String(e) }));
});

async function handle(m: ToSubscribers): Promise<void> {
  switch (m.type) {
    case 'open':
      await openAll(m.sockets, m.protocol);
      query = { query: m.query, variables: m.variables };
      return reply({ type: 'opened' });
    case 'subscribe':
      // After every connection is acknowledged: a user coming online publishes presence to
      // their conversations, which would otherwise fan out to the subscriptions made so far.
      for (const ws of sockets) {
        ws.send(JSON.stringify({ id: '1', type: MessageType.Subscribe, payload: query }));
      }
      return reply({ type: 'subscribed' });
    case 'count':
      return reply({ type: 'count', seq: m.seq, count: perSeq.get(m.seq) ?? 0 });
    case 'measure':
      measureFrom = m.from;
      return;
    case 'report':
      return reply({ type: 'report', report: report() });
    case 'close':
      closing = true;
      for (const ws of sockets) ws.terminate();
      reply({ type: 'closed' });
      process.disconnect();
  }
}

async function openAll(specs: SocketSpec[], protocol: 'graphql' | 'raw'): Promise<void> {
  receiving = new Uint8Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      sockets[i] = await openOne(i, specs[i]!, protocol);
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPENING, specs.length) }, worker));
}

function openOne(i: number, spec: SocketSpec, protocol: 'graphql' | 'raw'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const graphql = protocol === 'graphql';
    const ws = new WebSocket(spec.url, graphql ? GRAPHQL_TRANSPORT_WS_PROTOCOL : [], {
      perMessageDeflate: false,
    });
    let open = false;
    const ready = () => {
      open = true;
      resolve(ws);
    };
    ws.on('message', (data) => onFrame(i, ws, data));
    ws.once('error', (e) => (open ? undefined : reject(e)));
    ws.once('close', (code) => {
      if (!open) reject(new Error(`socket ${i} closed with ${code} while opening`));
      else if (!closing) reply({ type: 'failed', error: `socket ${i} closed with ${code}` });
    });
    ws.once('open', () => {
      if (!graphql) return ready();
      acked[i] = ready;
      const payload = spec.token ? { authorization: `Bearer ${spec.token}` } : {};
      ws.send(JSON.stringify({ type: MessageType.ConnectionInit, payload }));
    });
  });
}

function onFrame(i: number, ws: WebSocket, data: RawData): void {
  const arrival = process.hrtime.bigint();
  const text = data.toString();
  const message = JSON.parse(text) as { type: string; payload?: { data?: unknown } };
  if (message.type === MessageType.ConnectionAck) return acked[i]?.();
  if (message.type === MessageType.Ping) {
    return ws.send(JSON.stringify({ type: MessageType.Pong }));
  }
  const parsed =
    message.type === MessageType.Next ? parseBody(bodyOf(message.payload?.data)) : null;
  if (!parsed) {
    otherFrames++;
    if (message.type === MessageType.Error || message.type === MessageType.Complete) {
      reply({ type: 'failed', error: `socket ${i}: ${text.slice(0, 300)}` });
    }
    return;
  }
  if (!receiving[i]) {
    receiving[i] = 1;
    if (++receivingCount === sockets.length) reply({ type: 'receiving' });
  }
  const count = (perSeq.get(parsed.seq) ?? 0) + 1;
  perSeq.set(parsed.seq, count);
  if (count === sockets.length) reply({ type: 'complete', seq: parsed.seq });
  if (parsed.seq < measureFrom) return;
  latencies.push(Number(arrival - parsed.sentAt) / 1e6);
  if (firstSent === null || parsed.sentAt < firstSent) firstSent = parsed.sentAt;
  if (arrival > lastArrival) lastArrival = arrival;
  sampleFrame ||= text;
}

function report() {
  const sorted = Float64Array.from(latencies).sort();
  return {
    deliveries: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    spanMs: firstSent === null ? NaN : Number(lastArrival - firstSent) / 1e6,
    otherFrames,
    sampleFrame,
  };
}
