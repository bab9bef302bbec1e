/**
 * Error codes of a write to a peer that is gone: it reset or closed the connection, or the
 * socket was already ended or destroyed on our side because of that.
 */
const PEER_GONE = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNABORTED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_DESTROYED',
]);

/**
 * The code of `error` (or of its `originalError`/`cause`, as graphql-js and graphql-ws wrap
 * it) when it says the peer went away mid-write: an expected event of any long-lived
 * connection, worth a debug line, not an error with a stack. Undefined for anything else.
 */
export function peerGoneCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, originalError, cause } = e as {
      code?: unknown;
      originalError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && PEER_GONE.has(code)) return code;
    e = originalError ?? cause;
  }
  return undefined;
}
