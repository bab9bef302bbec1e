import { performance } from 'node:perf_hooks';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../errors.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from './metrics.js';
import { loggedName, OTHER, type OperationNames } from './operation-names.js';

export type Transport = 'http' | 'ws';
export type OperationType = 'query' | 'mutation' | 'subscription';

/** One operation being observed, from its arrival to its answer (or a subscription's end). */
export interface Operation {
  transport: Transport;
  startedAt: number;
  /** The operation's name: from the document once it validated, else as the client gave it. */
  name: string | null;
  /** Set once the document parsed and validated and the operation was chosen. */
  type: OperationType | null;
  requestId: string | null;
  viewerId: string | null;
  /** Keyed requests: the key's public prefix and its organisation (never the secret). */
  apiKeyPrefix: string | null;
  organizationId: string | null;
  clientAddress: string | null;
  /** Codes of the errors the client was sent, in order, each once. */
  codes: string[];
  events: number;
  /** A subscription that started streaming (its end is still to come). */
  streaming: boolean;
  label?: string;
}

/**
 * One access-log line (`msg: 'graphql operation'`, level info) per operation: over HTTP when
 * the response is sent, over graphql-ws when a query or mutation is answered, when a
 * subscription is refused, and when a subscription ends (then with its event count).
 * Never variables, documents or tokens.
 */
export interface AccessLogEntry {
  operation: string | null;
  type: OperationType | null;
  transport: Transport;
  durationMs: number;
  /** `ok`, or the codes of the errors the client was sent, comma-separated. */
  outcome: string;
  requestId: string | null;
  viewerId: string | null;
  /** For API-key clients: the key's public prefix, never the key, and its organisation. */
  apiKeyPrefix: string | null;
  organizationId: string | null;
  clientAddress: string | null;
  /** Subscriptions only: events sent. */
  events?: number;
}

/** The outcome of an operation whose socket closed before it was answered. */
export const CLOSED = 'CLOSED';
/** Outcome labels: any other code (none is expected) counts as `(other)`. */
const CODES = new Set<string>([
  ...Object.values(ErrorCode),
  ...Object.values(ApolloServerErrorCode),
  CLOSED,
]);

/** Notes the codes of `errors` (as the client was sent them) on `op`. */
export function noteErrors(
  op: Operation,
  errors: readonly GraphQLFormattedError[] | undefined,
): void {
  for (const e of errors ?? []) {
    const code = e.extensions?.code;
    const known = typeof code === 'string' ? code : ErrorCode.Internal;
    if (!op.codes.includes(known)) op.codes.push(known);
  }
}

export function startOperation(transport: Transport, fields: Partial<Operation> = {}): Operation {
  return {
    transport,
    startedAt: performance.now(),
    name: null,
    type: null,
    requestId: null,
    viewerId: null,
    apiKeyPrefix: null,
    organizationId: null,
    clientAddress: null,
    codes: [],
    events: 0,
    streaming: false,
    ...fields,
  };
}

/** Where operations are reported: the metrics and the access log, through one set of calls. */
export class OperationObserver {
  constructor(
    private readonly metrics: Metrics,
    private readonly names: OperationNames,
    private readonly logger: Logger,
  ) {}

  /** A query or mutation answered, or a subscription refused: its one line, and its time. */
  answered(op: Operation): void {
    this.time(op);
    this.log(op);
  }

  /** A subscription that started streaming. */
  subscribed(op: Operation): void {
    op.streaming = true;
    this.time(op);
    this.metrics.activeSubscriptions.inc({ operation: this.labelOf(op) });
  }

  delivered(op: Operation): void {
    op.events += 1;
    this.metrics.subscriptionEvents.inc({ operation: this.labelOf(op) });
  }

  /** A started subscription's end (completed by either side, failed, or its socket closed). */
  ended(op: Operation): void {
    this.metrics.activeSubscriptions.dec({ operation: this.labelOf(op) });
    this.log(op);
  }

  private time(op: Operation): void {
    const first = op.codes[0];
    this.metrics.operations.observe(
      {
        operation: this.labelOf(op),
        type: op.type ?? 'unknown',
        transport: op.transport,
        outcome: first === undefined ? 'ok' : CODES.has(first) ? first : OTHER,
      },
      (performance.now() - op.startedAt) / 1000,
    );
  }

  private labelOf(op: Operation): string {
    op.label ??= this.names.label(op.name, op.type !== null);
    return op.label;
  }

  private log(op: Operation): void {
    const entry: AccessLogEntry = {
      operation: loggedName(op.name),
      type: op.type,
      transport: op.transport,
      durationMs: Math.round((performance.now() - op.startedAt) * 10) / 10,
      outcome: op.codes.length ? op.codes.join(',') : 'ok',
      requestId: op.requestId,
      viewerId: op.viewerId,
      apiKeyPrefix: op.apiKeyPrefix,
      organizationId: op.organizationId,
      clientAddress: op.clientAddress,
      ...(op.type === 'subscription' ? { events: op.events } : {}),
    };
    this.logger.info(entry, 'graphql operation');
  }
}
