import type { Request } from 'express';

/** `host` or `host:port`, as a CSP source may name it; anything else is not trusted. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The Content-Security-Policy of the server's own pages (the dashboard, GraphiQL): only
 * this server's scripts, and connections only to this host, over HTTP and WebSocket.
 * `inlineStyles` for pages whose libraries set style attributes (GraphiQL's editors).
 */
export function pagePolicy(req: Request, options: { inlineStyles?: boolean } = {}): string {
  // CSP Level 3 lets 'self' cover ws:/wss: to the same host; the explicit sources are for
  // browsers that predate it.
  const host = req.get('host');
  const sockets = host && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    options.inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    // Forms are sent by scripts; without this, nothing (least of all a password) is sent.
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
