import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type RequestHandler } from 'express';
import { pagePolicy } from '../infra/page-policy.js';
import { DASHBOARD_CSS, DASHBOARD_HTML } from './dashboard.page.js';

/** The compiled browser code (client/*.ts), beside this file in dist/ whatever the cwd. */
const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

/** A module of the client folder (flat: no sub-folders), as its path under /app reads. */
const MODULE_PATH = /^\/[\w-]+\.js$/;
/** The comment tsc appends to a module compiled with `sourceMap`. */
const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=[^\n]*\s*$/;

export interface DashboardOptions {
  /**
   * Whether the modules' source maps (which hold the client's sources) are served and
   * named in the modules. Off in production: the maps are built, never served.
   */
  sourceMaps: boolean;
}

/**
 * GET /dashboard (the page), /dashboard/dashboard.css and /dashboard/app/*.js (its
 * modules). Everything is same-origin: the policy lets the page run only its own scripts
 * and talk only to this host, over HTTP and WebSocket.
 */
export function dashboardRouter(options: DashboardOptions): Router {
  const router = Router();
  router.use((req, res, next) => {
    res.set({
      'content-security-policy': pagePolicy(req),
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
  if (!options.sourceMaps) router.use('/app', withoutSourceMaps());
  router.use('/app', express.static(CLIENT_DIR, { index: false, dotfiles: 'ignore' }));
  return router;
}

/**
 * 404 for every `.map`, and the modules without their `sourceMappingURL` comment (read
 * once, then kept: the compiled client does not change while the server runs; only files
 * that exist are kept, so made-up names cannot grow the cache). Anything else, and a
 * module that does not exist, goes on to the static handler.
 */
function withoutSourceMaps(): RequestHandler {
  const modules = new Map<string, Promise<string | null>>();
  const load = (path: string): Promise<string | null> => {
    const kept = modules.get(path);
    if (kept) return kept;
    const loading = readFile(join(CLIENT_DIR, path.slice(1)), 'utf8').then(
      (source) => source.replace(SOURCE_MAP_COMMENT, '\n'),
      () => {
        modules.delete(path);
        return null;
      },
    );
    modules.set(path, loading);
    return loading;
  };
  return (req, res, next) => {
    // As the static handler will read it: `main.js%2Emap` is `main.js.map`.
    if (/\.map$/i.test(decoded(req.path))) {
      res.sendStatus(404);
      return;
    }
    if (req.method !== 'GET' || !MODULE_PATH.test(req.path)) return next();
    load(req.path).then((text) => (text === null ? next() : res.type('js').send(text)), next);
  };
}

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
