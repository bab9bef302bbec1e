import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PubSubObserver } from '../infra/pubsub.js';

/** What the metrics read when scraped, rather than being told of every change. */
export interface MetricSources {
  /** Open graphql-ws connections on this process. */
  connections(): number;
  /** The database's connection pool (knex's tarn pool), when it has been made. */
  pool(): DbPool | undefined;
}

/** The counts of knex's connection pool (tarn) that the pool gauge reports. */
export interface DbPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

const OPERATION_LABELS = ['operation', 'type', 'transport', 'outcome'] as const;

/**
 * One server's Prometheus metrics, in a registry of its own (several servers share a test
 * process; prom-client's global registry would mix their numbers). Besides Node's default
 * metrics (event-loop lag, heap, GC, handles, CPU):
 *
 * - `marquee_graphql_operation_duration_seconds{operation,type,transport,outcome}`: every
 *   query and mutation until its response, every subscription until it started or was
 *   refused; `_count` is the number of operations. `outcome` is `ok` or the first error's
 *   code; `operation` is bounded by `OperationNames` (`(invalid)` with `type="unknown"` for a
 *   document that did not parse or validate).
 * - `marquee_graphql_subscriptions_active{operation}` and
 *   `marquee_graphql_subscription_events_total{operation}`.
 * - `marquee_websocket_connections`: open graphql-ws sockets.
 * - `marquee_pubsub_messages_published_total{topic,outcome}` and
 *   `marquee_pubsub_messages_received_total{topic}` (once per subscriber on this process).
 * - `marquee_db_pool_connections{state}`: `used`, `free` and `pending` (requests waiting
 *   for a connection). PostgreSQL's pool holds up to DATABASE_POOL_MAX; SQLite's is knex's
 *   single better-sqlite3 connection, so `pending` shows statements queued behind it.
 */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const operations = new Histogram({
    name: 'marquee_graphql_operation_duration_seconds',
    help: 'GraphQL operations: queries and mutations until answered, subscriptions until started or refused',
    labelNames: OPERATION_LABELS,
    registers,
  });
  const activeSubscriptions = new Gauge({
    name: 'marquee_graphql_subscriptions_active',
    help: 'Subscriptions streaming now',
    labelNames: ['operation'] as const,
    registers,
  });
  const subscriptionEvents = new Counter({
    name: 'marquee_graphql_subscription_events_total',
    help: 'Events sent to subscribers',
    labelNames: ['operation'] as const,
    registers,
  });
  new Gauge({
    name: 'marquee_websocket_connections',
    help: 'Open graphql-ws connections',
    registers,
    collect() {
      this.set(sources.connections());
    },
  });
  const published = new Counter({
    name: 'marquee_pubsub_messages_published_total',
    help: 'Messages published to pub/sub, by topic and outcome (ok or error)',
    labelNames: ['topic', 'outcome'] as const,
    registers,
  });
  const received = new Counter({
    name: 'marquee_pubsub_messages_received_total',
    help: 'Messages received from pub/sub, counted once per subscriber on this process',
    labelNames: ['topic'] as const,
    registers,
  });
  new Gauge({
    name: 'marquee_db_pool_connections',
    help: 'Database pool connections: used, free, and pending (requests waiting for one)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const pool = sources.pool();
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    },
  });

  const pubsub: PubSubObserver = {
    published: (topic, ok) => published.inc({ topic, outcome: ok ? 'ok' : 'error' }),
    received: (topic) => received.inc({ topic }),
  };
  return { registry, operations, activeSubscriptions, subscriptionEvents, pubsub };
}

export type Metrics = ReturnType<typeof createMetrics>;
