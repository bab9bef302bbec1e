import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { buildSchema, parse, validate } from 'graphql';
import { PRODUCTION } from '../helpers/http.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// GET /dashboard and its modules over plain HTTP: what the browser test (dashboard.test.ts)
// takes for granted. The modules are loaded as they are, without a bundler, so every
// import must be a relative path the server answers.

/** The page's operations, compiled by the browser build (next to this file's in dist). */
const CLIENT_DIR = new URL('../../src/dashboard/client/', import.meta.url);
const OPERATIONS = new URL('operations.js', CLIENT_DIR).href;
const IMPORT =
  /^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

for (const target of targets()) {
  describe(`dashboard serving (${target.name})`, () => {
    let t: TestServer;
    let origin: string;
    before(async () => {
      t = await bootServer(target, 'dashboard-serving');
      origin = new URL(t.server.url).origin;
    });
    after(() => t.close());

    it('should serve the page with a policy allowing only its own scripts and this host', async () => {
      const response = await fetch(`${origin}/dashboard`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name, ...sources] = d.trim().split(/\s+/);
          return [name, sources] as const;
        }),
      );
      assert.deepEqual(directives.get('default-src'), ["'none'"]);
      assert.deepEqual(directives.get('script-src'), ["'self'"]);
      assert.deepEqual(directives.get('form-action'), ["'none'"]);
      const host = new URL(origin).host;
      assert.deepEqual(directives.get('connect-src'), ["'self'", `ws://${host}`, `wss://${host}`]);
      const html = await response.text();
      assert.match(html, /<script type="module" src="\/dashboard\/app\/main\.js"><\/script>/);
      assert.doesNotMatch(
        html,
        /<script(?![^>]*\bsrc=)/,
        'no inline script: the policy forbids it',
      );
    });

    it('should serve every module the page loads, each importing only relative paths', async () => {
      const seen = new Set<string>();
      const pending = [`${origin}/dashboard/app/main.js`];
      while (pending.length) {
        const url = pending.pop()!;
        if (seen.has(url)) continue;
        seen.add(url);
        const response = await fetch(url);
        assert.equal(response.status, 200, url);
        assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/, url);
        for (const [, from, bare] of (await response.text()).matchAll(IMPORT)) {
          const specifier = (from ?? bare)!;
          assert.match(specifier, /^\.\.?\/.*\.js$/, `${url} imports ${specifier}`);
          pending.push(new URL(specifier, url).href);
        }
      }
      assert.ok(seen.size > 3, `the page loads ${seen.size} modules`);
      const css = await fetch(`${origin}/dashboard/dashboard.css`);
      assert.equal(css.status, 200);
      assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    });

    it('should answer 404 for a module that does not exist', async () => {
      const response = await fetch(`${origin}/dashboard/app/nothing.js`);
      assert.equal(response.status, 404);
      await response.body?.cancel();
    });

    it('should serve source maps outside production', async () => {
      const module = await (await fetch(`${origin}/dashboard/app/main.js`)).text();
      assert.match(module, /sourceMappingURL=main\.js\.map/);
      const map = await fetch(`${origin}/dashboard/app/main.js.map`);
      assert.equal(map.status, 200);
      await map.body?.cancel();
    });
  });

  describe(`dashboard serving in production (${target.name})`, () => {
    let t: TestServer;
    let origin: string;
    before(async () => {
      t = await bootServer(target, 'dashboard-production', { env: PRODUCTION });
      origin = new URL(t.server.url).origin;
    });
    after(() => t.close());

    it('should serve every module without naming a source map, and no map', async () => {
      const modules = readdirSync(CLIENT_DIR).filter((f) => f.endsWith('.js'));
      assert.ok(modules.includes('main.js'), modules.join());
      for (const name of modules) {
        // The maps exist in the build: the server is what must not hand them out.
        assert.ok(existsSync(new URL(`${name}.map`, CLIENT_DIR)), `${name}.map is built`);
        const response = await fetch(`${origin}/dashboard/app/${name}`);
        assert.equal(response.status, 200, name);
        assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/, name);
        const source = await response.text();
        assert.ok(source.length > 0, name);
        assert.doesNotMatch(source, /sourceMappingURL/, name);
        for (const path of [`${name}.map`, `${name}.map?x=1`, `${name}%2Emap`, `${name}.MAP`]) {
          const map = await fetch(`${origin}/dashboard/app/${path}`);
          assert.equal(map.status, 404, path);
          await map.body?.cancel();
        }
      }
      const missing = await fetch(`${origin}/dashboard/app/nothing.js`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    });
  });
}

describe('dashboard operations', () => {
  it('should be valid against the schema the server emits', async () => {
    const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
    const exported = (await import(OPERATIONS)) as Record<string, unknown>;
    const operations = Object.entries(exported).filter(([, v]) => typeof v === 'string');
    assert.ok(operations.length >= 6, `found ${operations.length} operations`);
    for (const [name, source] of operations) {
      const errors = validate(schema, parse(source as string)).map((e) => e.message);
      assert.deepEqual(errors, [], name);
    }
  });
});
