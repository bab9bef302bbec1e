import { DriverException } from '@mikro-orm/core';
import { stdSerializers } from 'pino';

/**
 * What a driver error may say in a log: its class, code and the database's identifiers
 * (constraint, table, column), never the statement's values. `detail` ("Key (email)=(…)"),
 * `where`, `internalQuery` and the like are left out on purpose.
 */
const SAFE_FIELDS = [
  'code',
  'errno',
  'sqlState',
  'severity',
  'constraint',
  'table',
  'column',
  'routine',
] as const;

/** Errors hidden behind another (GraphQL's `originalError`, `cause`) are looked at this deep. */
const MAX_DEPTH = 5;

type ErrorLike = Error & Record<string, unknown>;

/**
 * pino's `err` serializer. Driver errors (MikroORM's DriverException, or a raw pg or SQLite
 * error), also when wrapped in another error, are logged by their class, code and a message
 * without the SQL: knex makes a failed statement's message `<SQL with its values inlined> -
 * <database message>`, so a unique violation would log the row it tried to write (a password
 * hash, an email). Every other error is logged as pino does.
 */
export function serializeError(err: unknown): unknown {
  const driver = driverErrorIn(err);
  if (!driver) return stdSerializers.err(err as Error);
  const outer = err as ErrorLike;
  const safe: Record<string, unknown> = {
    type: outer.constructor?.name ?? outer.name,
    message: driverMessage(driver),
    stack: [
      `${outer.name}: ${driverMessage(driver)}`,
      ...frames(outer),
      ...(driver === outer ? [] : frames(driver)),
    ].join('\n'),
  };
  if (driver !== outer) safe.driverError = driver.name;
  for (const key of SAFE_FIELDS) {
    const value = driver[key];
    if (typeof value === 'string' || typeof value === 'number') safe[key] = value;
  }
  return safe;
}

/**
 * The database's own message: without the statement knex puts first, the `detail` and `hint`
 * MikroORM appends for PostgreSQL (`Key (email)=(…) already exists`), and a quoted value.
 */
export function driverMessage(driver: ErrorLike): string {
  let message = String(driver.message ?? '');
  for (const extra of ['hint', 'detail'] as const) {
    const suffix = `\n - ${extra}: ${String(driver[extra])}`;
    if (driver[extra] !== undefined && message.endsWith(suffix)) {
      message = message.slice(0, -suffix.length);
    }
  }
  const split = message.lastIndexOf(' - ');
  const own = split >= 0 ? message.slice(split + 3) : message;
  // PostgreSQL quotes the offending value at the end: `invalid input syntax for type uuid: "…"`.
  return own.replace(/:\s*"[^]*"\s*$/, ': [value]').trim();
}

function driverErrorIn(err: unknown, depth = 0): ErrorLike | null {
  if (!(err instanceof Error) || depth > MAX_DEPTH) return null;
  const e = err as ErrorLike;
  if (isDriverError(e)) return e;
  return driverErrorIn(e.originalError, depth + 1) ?? driverErrorIn(e.cause, depth + 1);
}

function isDriverError(e: ErrorLike): boolean {
  if (e instanceof DriverException) return true;
  // pg's DatabaseError (a query outside MikroORM) and better-sqlite3's SqliteError.
  return (
    (typeof e.severity === 'string' && typeof e.routine === 'string') ||
    (typeof e.code === 'string' && e.code.startsWith('SQLITE_'))
  );
}

/** The `at …` lines of a stack: where, without the message (which may hold the SQL). */
function frames(e: Error): string[] {
  return (e.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .map((line) => `    ${line}`);
}
