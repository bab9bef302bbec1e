/**
 * What the fan-out benchmark's processes say to each other (over `child_process` IPC), and
 * the message body that carries its own send time.
 *
 * Times are `process.hrtime.bigint()`: the system's monotonic clock, the same in every
 * process of the machine, so a subscriber in one process can subtract a send time taken
 * in another.
 */

/** One socket of the subscriber process: where it connects, and as whom. */
export interface SocketSpec {
  url: string;
  token: string | null;
}

/** Orchestrator -> subscriber process. */
export type ToSubscribers =
  | {
      type: 'open';
      sockets: SocketSpec[];
      /** `graphql`: graphql-transport-ws with a subscription; `raw`: frames only. */
      protocol: 'graphql' | 'raw';
      query: string;
      variables: Record<string, unknown>;
    }
  | { type: 'subscribe' }
  /** How many sockets have received message `seq` so far. */
  | { type: 'count'; seq: number }
  /** Record latencies from this message on (the earlier ones were warm-up). */
  | { type: 'measure'; from: number }
  | { type: 'report' }
  | { type: 'close' };

/** Subscriber process -> orchestrator. */
export type FromSubscribers =
  | { type: 'opened' }
  | { type: 'subscribed' }
  /** Every socket has received at least one benchmark message: all subscriptions are live. */
  | { type: 'receiving' }
  /** Every socket has received message `seq`. */
  | { type: 'complete'; seq: number }
  | { type: 'count'; seq: number; count: number }
  | { type: 'report'; report: DeliveryReport }
  | { type: 'failed'; error: string }
  | { type: 'closed' };

export interface DeliveryReport {
  deliveries: number;
  p50Ms: number;
  p99Ms: number;
  /** From the first measured send to the last measured delivery. */
  spanMs: number;
  /** Frames that were not a benchmark message (presence, errors): should be 0. */
  otherFrames: number;
  /** One measured frame as received, for the raw `ws` ceiling to send the same bytes. */
  sampleFrame: string;
}

/** Orchestrator -> ceiling server: send `template`, with message `seq` in it, to every socket. */
export type ToCeiling = { type: 'broadcast'; seq: number; template: string };
/** Ceiling server -> orchestrator. */
export type FromCeiling = { type: 'listening'; port: number };

/** `fanout <seq> <send time in ns>`, fixed width, so every message has the same size. */
export function messageBody(seq: number, sentAt: bigint = process.hrtime.bigint()): string {
  return `fanout ${String(seq).padStart(6, '0')} ${String(sentAt).padStart(20, '0')}`;
}

const BODY = /^fanout (\d{6}) (\d{20})$/;
const BODY_IN_FRAME = /fanout \d{6} \d{20}/;

export function parseBody(body: unknown): { seq: number; sentAt: bigint } | null {
  const m = typeof body === 'string' ? BODY.exec(body) : null;
  return m ? { seq: Number(m[1]), sentAt: BigInt(m[2]!) } : null;
}

/** A captured frame with another message's body in it: same length, same bytes otherwise. */
export function reframe(template: string, seq: number, sentAt?: bigint): string {
  return template.replace(BODY_IN_FRAME, messageBody(seq, sentAt));
}

/** The body of a `next` payload of either subscription, as the SDK's operations select it. */
export function bodyOf(data: unknown): unknown {
  const d = data as {
    chatEvents?: { message?: { body?: unknown } };
    commentAdded?: { body?: unknown };
  } | null;
  return d?.chatEvents?.message?.body ?? d?.commentAdded?.body;
}

/** The p-th percentile (0-100) of values sorted ascending: nearest rank. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
