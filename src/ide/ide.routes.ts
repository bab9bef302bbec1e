import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router, type Request, type RequestHandler } from 'express';
import { pagePolicy } from '../infra/page-policy.js';
import { IDE_CSS, IDE_HTML, IDE_SCRIPT } from './ide.page.js';

const require = createRequire(import.meta.url);

/** The folder of an installed package, found from its entry point (exports hide subpaths). */
function packageDir(name: string): string {
  for (let dir = dirname(require.resolve(name)); ;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
      };
      if (manifest.name === name) return dir;
    } catch {
      // No package.json here: a folder inside the package.
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package ${name}`);
    dir = up;
  }
}

/** Every file the page loads, by the name it has under /ide: a fixed list, nothing else. */
function assetFiles(): Map<string, string> {
  const at = (pkg: string, file: string) => join(packageDir(pkg), file);
  return new Map([
    ['react.js', at('react', 'umd/react.production.min.js')],
    ['react-dom.js', at('react-dom', 'umd/react-dom.production.min.js')],
    ['graphiql.js', at('graphiql', 'graphiql.min.js')],
    ['graphiql.css', at('graphiql', 'graphiql.min.css')],
    ['explorer.js', at('@graphiql/plugin-explorer', 'dist/index.umd.js')],
    ['explorer.css', at('@graphiql/plugin-explorer', 'dist/style.css')],
    ['graphql-ws.js', at('graphql-ws', 'umd/graphql-ws.min.js')],
  ]);
}

/** Whether a GET asks for a page rather than a GraphQL result (a browser's address bar). */
export function wantsPage(req: Request): boolean {
  return (
    req.method === 'GET' &&
    req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) ===
      'text/html'
  );
}

/**
 * GraphiQL: the page (for `GET /graphql` from a browser, through `page`) and its assets
 * under /ide. The page's policy lets it run only this server's scripts and talk only to
 * this host.
 */
export function ideRoutes(): { page: RequestHandler; assets: Router } {
  const files = assetFiles();
  const assets = Router();
  assets.use((_req, res, next) => {
    res.set({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
    next();
  });
  assets.get('/ide.js', (_req, res) => {
    res.type('js').send(IDE_SCRIPT);
  });
  assets.get('/ide.css', (_req, res) => {
    res.type('css').send(IDE_CSS);
  });
  assets.get('/:file', (req, res, next) => {
    const path = files.get(req.params.file);
    if (!path) return next();
    res.sendFile(path);
  });
  const page: RequestHandler = (req, res, next) => {
    if (!wantsPage(req)) return next();
    res.set({
      'content-security-policy': pagePolicy(req, { inlineStyles: true }),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    res.type('html').send(IDE_HTML);
  };
  return { page, assets };
}
