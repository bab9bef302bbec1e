import type { GraphQLErrorShape } from './graphql.js';

/**
 * What one subscription receives. `error` brings the server's refusal (it ends) or the
 * errors of one event (it may go on). `complete` says the server ended a stream that had
 * not failed: graphql-ws answers a subscription refused by its resolver with the errors
 * and then `complete`, and that refusal is reported once, through `error`.
 */
export interface Sink<T> {
  next(data: T): void;
  error(errors: readonly GraphQLErrorShape[]): void;
  complete?(): void;
}

export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'closed';

type Incoming =
  | { type: 'connection_ack' | 'pong' }
  | { type: 'ping'; payload?: unknown }
  | { type: 'next'; id: string; payload: { data?: unknown; errors?: GraphQLErrorShape[] } }
  | { type: 'error'; id: string; payload: GraphQLErrorShape[] }
  | { type: 'complete'; id: string };

interface Subscription {
  query: string;
  variables: Record<string, unknown>;
  sink: Sink<unknown>;
  failed?: boolean;
}

const PROTOCOL = 'graphql-transport-ws';
/** The server's answer to a token it refuses (graphql-ws's Forbidden). */
const CLOSE_FORBIDDEN = 4403;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

/**
 * The part of the graphql-transport-ws protocol the dashboard needs, over the browser's
 * WebSocket. Not graphql-ws's own client: the page is plain ES modules without a bundler,
 * and that client's browser build imports a hash-named chunk no bare specifier reaches.
 *
 * One connection carries every subscription. When it drops (a server restart, the
 * network), it reconnects with growing pauses and subscribes again; a subscription the
 * server refused or ended is not renewed. When the server refuses the token (4403),
 * `rejected` is called and nothing is retried. `close()` ends it for good.
 */
export class LiveLink {
  private socket: WebSocket | null = null;
  private acknowledged = false;
  private ended = false;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastId = 0;
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly on: { state(state: LinkState): void; rejected(): void },
  ) {
    this.open();
  }

  /** Starts a subscription (now, or once connected); the returned function stops it. */
  subscribe<T>(query: string, variables: Record<string, unknown>, sink: Sink<T>): () => void {
    const id = String(++this.lastId);
    this.subscriptions.set(id, { query, variables, sink: sink as Sink<unknown> });
    if (this.acknowledged) this.sendSubscribe(id);
    return () => {
      if (this.subscriptions.delete(id) && this.acknowledged) this.send({ id, type: 'complete' });
    };
  }

  close(): void {
    this.ended = true;
    clearTimeout(this.retryTimer);
    this.subscriptions.clear();
    this.socket?.close(1000, 'Signed out');
    this.socket = null;
    this.on.state('closed');
  }

  private open(): void {
    this.on.state(this.retries ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(this.url, PROTOCOL);
    this.socket = socket;
    // Events of a socket this link has replaced or closed are stale: ignored.
    socket.onopen = () => {
      if (socket !== this.socket) return;
      const payload = { authorization: `Bearer ${this.token}` };
      this.send({ type: 'connection_init', payload });
    };
    socket.onmessage = (event) => {
      if (socket === this.socket) this.receive(JSON.parse(String(event.data)) as Incoming);
    };
    socket.onclose = (event) => {
      if (socket === this.socket) this.dropped(event.code);
    };
  }

  private receive(message: Incoming): void {
    switch (message.type) {
      case 'connection_ack':
        this.acknowledged = true;
        this.retries = 0;
        this.on.state('live');
        for (const id of this.subscriptions.keys()) this.sendSubscribe(id);
        return;
      case 'ping':
        this.send({ type: 'pong' });
        return;
      case 'pong':
        return;
      case 'next': {
        const subscription = this.subscriptions.get(message.id);
        const { data, errors } = message.payload;
        if (!subscription) return;
        if (errors?.length) {
          subscription.failed = true;
          subscription.sink.error(errors);
        } else subscription.sink.next(data);
        return;
      }
      case 'error':
        this.subscriptions.get(message.id)?.sink.error(message.payload);
        this.subscriptions.delete(message.id);
        return;
      case 'complete': {
        const subscription = this.subscriptions.get(message.id);
        this.subscriptions.delete(message.id);
        if (subscription && !subscription.failed) subscription.sink.complete?.();
        return;
      }
    }
  }

  private dropped(code: number): void {
    this.acknowledged = false;
    this.socket = null;
    if (this.ended) return;
    if (code === CLOSE_FORBIDDEN) {
      this.ended = true;
      this.on.state('closed');
      this.on.rejected();
      return;
    }
    this.on.state('reconnecting');
    const pause = Math.min(FIRST_RETRY_MS * 2 ** this.retries, MAX_RETRY_MS);
    this.retries++;
    this.retryTimer = setTimeout(() => this.open(), pause);
  }

  private sendSubscribe(id: string): void {
    const { query, variables } = this.subscriptions.get(id)!;
    this.send({ id, type: 'subscribe', payload: { query, variables } });
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
