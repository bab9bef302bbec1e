import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { CommonReason, reportUnexpected, serviceUnavailable } from '../errors.js';
import type { Logger } from './logger.js';

/**
 * Driver and pool failures that mean "the database cannot be reached now", as opposed to a
 * bad statement: the socket was refused, reset or timed out, the server is shutting down or
 * starting (SQLSTATE class 08 and 57P0x), too many connections, or no pooled connection
 * became free in time (knex's acquire timeout).
 */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
]);
// pg reports a dropped socket by message only; knex puts the statement before it. knex's
// acquire timeout reaches us by message too once MikroORM has rewrapped it (DriverException),
// and so does a transaction whose connection died under it: knex ends the transaction with
// the socket's error and answers its next statement "Transaction query already complete"
// (every transaction here is awaited through `em.transactional`, so nothing else runs a
// statement on a finished one; the drill test/integration/drill-postgres-restart.test.ts
// met it as one request in a few).
const MESSAGES =
  /(?:^| - )(?:Connection terminated unexpectedly|Transaction query already complete, run with DEBUG=knex:tx for more info|Connection terminated due to connection timeout|Connection terminated|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|Knex: Timeout acquiring a connection\. The pool is probably full\. Are you missing a \.transacting\(trx\) call\?)$/;

interface Cause {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

/**
 * Whether `error` (or what it wraps: a GraphQL error's `originalError`, a `cause`, the
 * attempts of an AggregateError) says the database is unreachable. Such a request is
 * answered SERVICE_UNAVAILABLE (503, `Retry-After`), not INTERNAL_SERVER_ERROR.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as Cause;
  if (typeof e.code === 'string' && (CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  const inner = [e.originalError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => i !== error && isDatabaseUnavailable(i, depth + 1));
}

/** The driver's code of an unavailability (ECONNREFUSED, 57P01, ...), for the log line. */
export function driverCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const e = error as Cause;
  if (typeof e.code === 'string') return e.code;
  if (e.name === 'KnexTimeoutError') return e.name;
  for (const i of [e.originalError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const code = driverCode(i, depth + 1);
    if (code) return code;
  }
  return undefined;
}

/** What a request that needed the unreachable database is told. */
export const databaseUnavailable = () =>
  serviceUnavailable(
    'The database is unavailable; retry shortly',
    CommonReason.DATABASE_UNAVAILABLE,
  );

/** `formatted` (an error the database's absence caused) as SERVICE_UNAVAILABLE, where it was. */
export function asDatabaseUnavailable(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const e = databaseUnavailable();
  return {
    message: e.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: e.extensions,
  };
}

/**
 * Logs an error of a request: an unreachable database as a warning with its driver code (an
 * outage, not a bug, and never the statement), anything else as `reportUnexpected` does.
 */
export function reportRequestError(logger: Logger, error: GraphQLError): void {
  if (isDatabaseUnavailable(error)) {
    logger.warn({ code: driverCode(error), path: error.path }, 'database unavailable');
  } else {
    reportUnexpected(logger, error);
  }
}
