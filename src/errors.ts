import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Every code a client can see in `extensions.code`, besides Apollo's own parse/validation codes. */
export enum ErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  Conflict = 'CONFLICT',
  RateLimited = 'RATE_LIMITED',
  Internal = 'INTERNAL_SERVER_ERROR',
}

/**
 * The one error type services throw. It carries a code and, for input errors, the
 * offending field; `toGraphQLError` is the only place codes become GraphQL errors.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** graphql-js copies these onto the GraphQL error that wraps this one. */
  get extensions(): Record<string, unknown> {
    return { code: this.code, ...this.extra };
  }
}

export const badInput = (field: string, message: string) =>
  new AppError(ErrorCode.BadUserInput, `${field}: ${message}`, { field });
export const notFound = (what: string) => new AppError(ErrorCode.NotFound, `${what} not found`);
export const forbidden = (message = 'You may not do this') =>
  new AppError(ErrorCode.Forbidden, message);
export const unauthenticated = (message = 'Sign in first') =>
  new AppError(ErrorCode.Unauthenticated, message);
export const conflict = (field: string, message: string) =>
  new AppError(ErrorCode.Conflict, message, { field });
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(ErrorCode.RateLimited, `Too many attempts; retry in ${retryAfterSeconds} s`, {
    retryAfter: retryAfterSeconds,
  });

export function toGraphQLError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { extensions: error.extensions, originalError: error });
}

/** Codes of errors that describe the request, not a fault of the server: shown as they are. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.Internal),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The single exit for errors a client sees. Errors with a client code pass (without stack
 * traces); anything else is unexpected: it becomes INTERNAL_SERVER_ERROR carrying only the
 * request id, with its message kept outside production for debugging.
 */
export function formatClientError(
  formatted: GraphQLFormattedError,
  options: { production: boolean; requestId?: string },
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (formatted.extensions === undefined && !formatted.path) {
    // graphql-js validation and syntax errors carry no code; they describe the request.
    return { ...formatted, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  return {
    message: options.production ? 'Internal server error' : formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.Internal, requestId: options.requestId },
  };
}

/** Logs errors that are not the client's doing (no code, or INTERNAL_SERVER_ERROR). */
export function reportUnexpected(
  logger: { error(obj: object, msg: string): void },
  error: GraphQLError,
): void {
  const code = error.extensions?.code;
  if (code === undefined || code === ErrorCode.Internal) {
    logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
  }
}
