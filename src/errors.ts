import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Every code a client can see in `extensions.code`, besides Apollo's own parse/validation codes. */
export enum ErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  Conflict = 'CONFLICT',
  RateLimited = 'RATE_LIMITED',
  /** The server cannot serve now (database down, shutting down): retry after `retryAfter` s. */
  Unavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_SERVER_ERROR',
}

/**
 * Reasons shared by every feature. Each feature adds its own enum of reasons in
 * `<feature>.errors.ts` (`ChatReason.BLOCKED`, ...); a reason is a stable string that tells
 * cases of one code apart, so clients never need to read messages.
 */
export enum CommonReason {
  SIGN_IN_REQUIRED = 'SIGN_IN_REQUIRED',
  NOT_ALLOWED = 'NOT_ALLOWED',
  INVALID_INPUT = 'INVALID_INPUT',
  /** A string argument holds a NUL or an unpaired UTF-16 surrogate (`infra/input-text.ts`). */
  INVALID_TEXT = 'INVALID_TEXT',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  /** A subscription sent over HTTP: graphql-ws serves them. */
  SUBSCRIPTION_OVER_HTTP = 'SUBSCRIPTION_OVER_HTTP',
  DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE',
  SHUTTING_DOWN = 'SHUTTING_DOWN',
}

/**
 * Why a query was refused before execution (`src/infra/query-limits.ts`), always with
 * BAD_USER_INPUT and the limit in `extensions.limit`.
 */
export enum LimitReason {
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  TOO_MANY_DIRECTIVES = 'TOO_MANY_DIRECTIVES',
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
}

const LIMIT_REASONS = new Set<unknown>(Object.values(LimitReason));

/** graphql-js's "Did you mean …?" ending: it names fields, types and values of the schema. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * The one error type services throw. It carries a code, a reason from the feature's enum
 * and, for input errors, the offending field; `toGraphQLError` is the only place codes
 * become GraphQL errors, and `toClientError` the only way they leave the server.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly reason?: string,
  ) {
    super(message);
  }

  /** graphql-js copies these onto the GraphQL error that wraps this one. */
  get extensions(): Record<string, unknown> {
    return { code: this.code, ...(this.reason ? { reason: this.reason } : {}), ...this.extra };
  }
}

export const badInput = (
  field: string,
  message: string,
  reason: string = CommonReason.INVALID_INPUT,
) => new AppError(ErrorCode.BadUserInput, `${field}: ${message}`, { field }, reason);
export const notFound = (what: string, reason?: string) =>
  new AppError(
    ErrorCode.NotFound,
    `${what} not found`,
    {},
    reason ?? `${what.toUpperCase().replace(/\W+/g, '_')}_NOT_FOUND`,
  );
export const forbidden = (
  message = 'You may not do this',
  reason: string = CommonReason.NOT_ALLOWED,
) => new AppError(ErrorCode.Forbidden, message, {}, reason);
export const unauthenticated = (
  message = 'Sign in first',
  reason: string = CommonReason.SIGN_IN_REQUIRED,
) => new AppError(ErrorCode.Unauthenticated, message, {}, reason);
export const conflict = (field: string, message: string, reason?: string) =>
  new AppError(ErrorCode.Conflict, message, { field }, reason);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(
    ErrorCode.RateLimited,
    `Too many attempts; retry in ${retryAfterSeconds} s`,
    { retryAfter: retryAfterSeconds },
    CommonReason.TOO_MANY_REQUESTS,
  );
/** An API key past its per-minute limit (HTTP 429, or a refused subscription). */
export const keyLimitReached = (limit: number, retryAfterSeconds: number) =>
  new AppError(
    ErrorCode.RateLimited,
    `This API key's limit of ${limit} requests per minute is reached; retry in ${retryAfterSeconds} s`,
    { retryAfterSeconds, retryAfter: retryAfterSeconds },
    CommonReason.TOO_MANY_REQUESTS,
  );
/** Seconds a client is told to wait (`Retry-After`) when the server cannot serve now. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
export const serviceUnavailable = (
  message: string,
  reason: CommonReason.DATABASE_UNAVAILABLE | CommonReason.SHUTTING_DOWN,
) =>
  new AppError(
    ErrorCode.Unavailable,
    message,
    { retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS },
    reason,
  );

export function toGraphQLError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { extensions: error.extensions, originalError: error });
}

/**
 * Whether an error of `code` describes the request (shown to the client as it is) or a
 * fault of the server (hidden). Exhaustive: a new code does not compile until it is placed.
 */
export function isClientCode(code: ErrorCode): boolean {
  switch (code) {
    case ErrorCode.Unauthenticated:
    case ErrorCode.Forbidden:
    case ErrorCode.NotFound:
    case ErrorCode.BadUserInput:
    case ErrorCode.Conflict:
    case ErrorCode.RateLimited:
    case ErrorCode.Unavailable: // not the client's doing, but ours to say: retry later
      return true;
    case ErrorCode.Internal:
      return false;
    default:
      return unreachable(code);
  }
}

function unreachable(code: never): never {
  throw new Error(`Unmapped error code ${String(code)}`);
}

/** Codes of errors that describe the request, not a fault of the server: shown as they are. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter(isClientCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The single exit for errors a client sees, over HTTP and graphql-ws alike. Errors with a
 * client code pass (without stack traces; in production without schema suggestions);
 * anything else is unexpected: it becomes INTERNAL_SERVER_ERROR carrying only the request
 * id, with its message kept outside production for debugging.
 */
export function toClientError(
  formatted: GraphQLFormattedError,
  options: { production: boolean; requestId?: string },
): GraphQLFormattedError {
  const code = codeOf(formatted);
  // Suggestions would let anyone map the schema with introspection off.
  const message = options.production
    ? formatted.message.replace(SUGGESTION, '')
    : formatted.message;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, message, extensions: { ...extensions, code } };
  }
  if (formatted.extensions === undefined && !formatted.path) {
    // graphql-js validation and syntax errors carry no code; they describe the request.
    return { ...formatted, message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  return {
    message: options.production ? 'Internal server error' : formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.Internal, requestId: options.requestId },
  };
}

/** graphql-js's last variable error once 50 were reported; unlike those, it has no code. */
const VARIABLE_ERROR_LIMIT = /^Too many errors processing variables/;

/** The code an error leaves with, where graphql-js or Apollo gave it none or their own. */
function codeOf(error: { message: string; extensions?: Record<string, unknown>; path?: unknown }) {
  // Apollo labels every parse and validation error with its own code, a query limit's too.
  if (LIMIT_REASONS.has(error.extensions?.reason)) return ErrorCode.BadUserInput;
  if (!error.path && VARIABLE_ERROR_LIMIT.test(error.message)) return ErrorCode.BadUserInput;
  return error.extensions?.code;
}

/** Logs errors that are not the client's doing (no code, or INTERNAL_SERVER_ERROR). */
export function reportUnexpected(
  logger: { error(obj: object, msg: string): void },
  error: GraphQLError,
): void {
  const code = codeOf(error);
  // graphql-js's own refusals of a request (validation, variables) have neither a path
  // nor an original error; graphql-ws passes them here.
  if (code === undefined && !error.path && !error.originalError) return;
  if (code === undefined || code === ErrorCode.Internal) {
    logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
  }
}
