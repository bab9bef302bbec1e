import type { RequestHandler } from 'express';
import { CommonReason, serviceUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from './errors.js';

/**
 * The first phase of a graceful stop. Once `begin()` has run the server still listens, but
 * answers every new request but /healthz (the process is alive) with 503, `Retry-After` and
 * `Connection: close`: /readyz too, and WebSocket upgrades once the WebSocket server has let
 * go of them. A load balancer sees the server leave, and a client on a kept-alive connection
 * is told to go elsewhere instead of finding its socket reset. Requests already under way
 * are not touched: they finish.
 */
export interface Drain {
  begin(): void;
  /** Mount first: it must see requests before any route does. */
  readonly middleware: RequestHandler;
}

export function createDrain(): Drain {
  let draining = false;
  const refusal = serviceUnavailable(
    'The server is shutting down; retry shortly',
    CommonReason.SHUTTING_DOWN,
  );
  const body = { errors: [{ message: refusal.message, extensions: refusal.extensions }] };
  return {
    begin() {
      draining = true;
    },
    middleware(req, res, next) {
      if (!draining || req.path === '/healthz') return next();
      res.setHeader('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      res.setHeader('connection', 'close');
      if (req.path === '/readyz') {
        res.status(503).json({ status: 'draining' });
      } else {
        res.status(503).json(body);
      }
    },
  };
}
