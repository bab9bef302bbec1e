import { createServer, type AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { deferred } from './errors.js';

/**
 * One subscription driven step by step. Creating it pulls the first event, which is what
 * sends the subscribe message (an SDK subscription starts only when first pulled); wait
 * for the server's readiness (`pubsub.waitForSubscribers`) before triggering an event.
 */
export class Stream<T> {
  private readonly iterator: AsyncIterator<T>;
  private pending: Promise<IteratorResult<T>> | null;

  constructor(iterable: AsyncIterable<T>) {
    this.iterator = iterable[Symbol.asyncIterator]();
    this.pending = this.iterator.next();
    // Observed by next() or ended(); without this an early rejection counts as unhandled.
    this.pending.catch(() => undefined);
  }

  /** The next event; rejects when the stream fails or ends instead. */
  async next(): Promise<T> {
    const r = await this.pull();
    if (r.done) throw new Error('the stream ended instead of delivering an event');
    return r.value;
  }

  /** Resolves when the stream completes; rejects when it delivers an event or fails instead. */
  async ended(): Promise<void> {
    const r = await this.pull();
    if (!r.done) throw new Error(`expected the stream to end, got ${JSON.stringify(r.value)}`);
  }

  /** Unsubscribes, as breaking out of a `for await` loop does. */
  async return(): Promise<void> {
    await this.iterator.return?.();
  }

  private pull(): Promise<IteratorResult<T>> {
    const p = this.pending ?? this.iterator.next();
    this.pending = null;
    return p;
  }
}

/** Pulls events until one satisfies `wanted`; returns every event pulled, that one last. */
export async function nextMatching<T>(s: Stream<T>, wanted: (v: T) => boolean): Promise<T[]> {
  const seen: T[] = [];
  for (;;) {
    const v = await s.next();
    seen.push(v);
    if (wanted(v)) return seen;
  }
}

/** A graphql-ws connection opened at once (not lazily), with its lifecycle as promises. */
export interface Connection {
  client: Client;
  /** Resolves when the server acknowledged the connection. */
  connected: Promise<void>;
  /** Resolves with the close code when the socket closes, whoever closed it. */
  closed: Promise<number>;
  close(): Promise<void>;
}

/** Opens a graphql-ws connection speaking the protocol directly, without the SDK. */
export function connect(wsUrl: string, connectionParams?: Record<string, unknown>): Connection {
  const connected = deferred<void>();
  const closed = deferred<number>();
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams,
    // The failure is asserted through `closed`; the default handler would log it.
    onNonLazyError: () => undefined,
    on: {
      connected: () => connected.resolve(),
      closed: (event) => closed.resolve((event as { code: number }).code),
    },
  });
  connected.promise.catch(() => undefined);
  return {
    client,
    connected: connected.promise,
    closed: closed.promise,
    async close() {
      await client.dispose();
    },
  };
}

/** A port nobody listens on at the moment: bind to port 0, read the port, let it go. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
