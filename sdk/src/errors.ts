import type { GraphQLFormattedError } from 'graphql';

/** The IETF RateLimit headers of a response (sent on every request made with an API key). */
export interface RateLimitInfo {
  /** Requests allowed in the window (`RateLimit-Limit`). */
  limit: number;
  /** Requests left in it (`RateLimit-Remaining`). */
  remaining: number;
  /** Seconds until the window resets (`RateLimit-Reset`). */
  resetSeconds: number;
}

/**
 * Every failure the SDK reports: GraphQL errors over HTTP or WebSocket, an HTTP answer
 * that is not GraphQL, and a WebSocket the server closed or refused. `code` and `reason`
 * read the same whichever way the error came (`extensions.code` / `extensions.reason` of
 * the first error; for a closed socket, the code its close code stands for), so one
 * `switch (e.code)` handles them all.
 */
export class MarqueeError<TData = unknown> extends Error {
  override name = 'MarqueeError';
  constructor(
    /** The errors as the server sent them (one made up from the close, for a socket). */
    readonly errors: readonly GraphQLFormattedError[],
    /** Partial data, when the server sent some beside the errors. */
    readonly data: TData | null = null,
    /** The HTTP status, for errors that came over HTTP. */
    readonly status?: number,
    /** The WebSocket close code, for a socket closed or refused by the server. */
    readonly closeCode?: number,
    /** The RateLimit headers of the response, when it had them. */
    readonly rateLimit?: RateLimitInfo,
  ) {
    super(errors.map((e) => e.message).join('; ') || 'GraphQL request failed');
  }

  /** `extensions.code` of the first error, e.g. `UNAUTHENTICATED`, `RATE_LIMITED`. */
  get code(): string | undefined {
    return stringField(this.errors[0]?.extensions, 'code');
  }

  /** `extensions.reason` of the first error: a stable string telling cases of one code apart. */
  get reason(): string | undefined {
    return stringField(this.errors[0]?.extensions, 'reason');
  }

  /** How long the server asked to wait before retrying (RATE_LIMITED, SERVICE_UNAVAILABLE). */
  get retryAfterSeconds(): number | undefined {
    const ext = this.errors[0]?.extensions;
    const value = ext?.retryAfterSeconds ?? ext?.retryAfter;
    return typeof value === 'number' ? value : undefined;
  }
}

function stringField(ext: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = ext?.[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * What the server's close codes mean (src/ws.ts, src/infra/connection-limits.ts, and
 * graphql-ws's own 44xx codes). 1001 (going away: a restart or a deploy) and 1006 (the
 * connection dropped) are not errors a caller sees unless the retries run out.
 */
const CLOSE_CODES: Record<number, { code: string; reason: string }> = {
  4400: { code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' },
  4401: { code: 'UNAUTHENTICATED', reason: 'SIGN_IN_REQUIRED' },
  4403: { code: 'UNAUTHENTICATED', reason: 'CREDENTIALS_REFUSED' },
  4408: { code: 'UNAUTHENTICATED', reason: 'CONNECTION_INIT_TIMEOUT' },
  4409: { code: 'CONFLICT', reason: 'SUBSCRIBER_ALREADY_EXISTS' },
  4429: { code: 'RATE_LIMITED', reason: 'TOO_MANY_INITIALISATION_REQUESTS' },
  4029: { code: 'RATE_LIMITED', reason: 'TOO_MANY_REQUESTS' },
  4503: { code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_FULL' },
  4500: { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL' },
  1001: { code: 'SERVICE_UNAVAILABLE', reason: 'GOING_AWAY' },
  1011: { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL' },
  1013: { code: 'SERVICE_UNAVAILABLE', reason: 'TRY_AGAIN_LATER' },
};

/** The codes that retrying cannot fix: the client must change something first. */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406, 4409, 4429]);

/** Whether graphql-ws should reconnect after the server closed with `code`. */
export function isRetryableClose(code: number): boolean {
  return !FATAL_CLOSE_CODES.has(code);
}

/** A WebSocket close event (the browser's `CloseEvent`, or `ws`'s) as a `MarqueeError`. */
export function closeError(event: { code?: number; reason?: string }): MarqueeError {
  const closeCode = event.code ?? 1006;
  const known = CLOSE_CODES[closeCode] ?? {
    code: 'SERVICE_UNAVAILABLE',
    reason: 'CONNECTION_LOST',
  };
  const message = event.reason || `WebSocket closed (${closeCode})`;
  return new MarqueeError(
    [{ message, extensions: { ...known, closeCode } }],
    null,
    undefined,
    closeCode,
  );
}

/** Whatever graphql-ws rejected with, as a `MarqueeError`. */
export function asMarqueeError(e: unknown): unknown {
  if (e instanceof MarqueeError) return e;
  // The payload of an `error` message: the GraphQL errors themselves.
  if (Array.isArray(e)) return new MarqueeError(e as GraphQLFormattedError[]);
  if (isCloseEvent(e)) return closeError(e);
  // A socket that could not open: the WebSocket's `error` event (`ws` puts the cause in
  // `error`, browsers give nothing).
  if (isErrorEvent(e)) {
    const cause = (e as { error?: unknown }).error;
    const message = cause instanceof Error ? cause.message : 'WebSocket connection failed';
    return new MarqueeError([
      { message, extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'CONNECTION_FAILED' } },
    ]);
  }
  return e;
}

function isErrorEvent(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'error';
}

function isCloseEvent(e: unknown): e is { code: number; reason?: string } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';
}
