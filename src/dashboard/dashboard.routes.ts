import { fileURLToPath } from 'node:url';
import express, { Router, type Request } from 'express';
import { DASHBOARD_CSS, DASHBOARD_HTML } from './dashboard.page.js';

/** The compiled browser code (client/*.ts), beside this file in dist/ whatever the cwd. */
const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

/** `host` or `host:port`, as a CSP source may name it; anything else is not trusted. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * GET /dashboard (the page), /dashboard/dashboard.css and /dashboard/app/*.js (its
 * modules). Everything is same-origin: the policy lets the page run only its own scripts
 * and talk only to this host, over HTTP and WebSocket.
 */
export function dashboardRouter(): Router {
  const router = Router();
  router.use((req, res, next) => {
    res.set({
      'content-security-policy': contentSecurityPolicy(req),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // Rebuilt pages and modules must not mix with cached ones.
      'cache-control': 'no-cache',
    });
    next();
  });
  router.get('/', (_req, res) => {
    res.type('html').send(DASHBOARD_HTML);
  });
  router.get('/dashboard.css', (_req, res) => {
    res.type('css').send(DASHBOARD_CSS);
  });
  router.use('/app', express.static(CLIENT_DIR, { index: false, dotfiles: 'ignore' }));
  return router;
}

function contentSecurityPolicy(req: Request): string {
  // CSP Level 3 lets 'self' cover ws:/wss: to the same host; the explicit sources are for
  // browsers that predate it.
  const host = req.get('host');
  const sockets = host && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    // The form is sent by the script; without it, nothing (least of all a password) is sent.
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
