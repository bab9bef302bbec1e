import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSuite, needsBrowser } from '../helpers/browser.js';
import type { Page } from 'playwright-core';
import { CONTENT_PUBLISHED } from '../../src/modules/content/index.js';
import { published } from '../helpers/content.js';
import { bootServer } from '../helpers/server.js';
import { waitForSubscribers } from '../helpers/subscribers.js';
import { targets } from '../helpers/targets.js';

// GraphiQL at /graphql, in Debian's Chromium with every request off this server refused
// (offline): a query with the signed-in token from the headers editor, and a subscription
// over graphql-ws. GRAPHQL_IDE picks Apollo's Sandbox or nothing instead.

const WAIT_MS = 20_000;

for (const target of targets()) {
  describe(`GraphiQL, offline (${target.name})`, needsBrowser, () => {
    const fx = browserSuite(target, 'ide');

    /** A page with every request off this server refused, what it tried, and its errors. */
    async function offlinePage(headers?: Record<string, string>) {
      const context = await fx.browser.newContext();
      const outside: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (new URL(url).origin === fx.origin) return route.continue();
        outside.push(url);
        return route.abort('internetdisconnected');
      });
      if (headers) {
        // Before GraphiQL reads them, as if typed into its headers editor earlier.
        const stored = JSON.stringify(JSON.stringify(headers));
        await context.addInitScript({
          content: `localStorage.setItem('graphiql:headers', ${stored});`,
        });
      }
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      return { page, outside, errors };
    }

    async function run(page: Page, query: string) {
      await page.goto(`${fx.origin}/graphql?query=${encodeURIComponent(query)}`);
      await page.locator('.graphiql-execute-button').click({ timeout: WAIT_MS });
    }

    const result = (page: Page) => page.locator('.result-window');

    it('should run a query with the token set in the headers editor, loading nothing from outside', async () => {
      const ada = await fx.t.user('ide_ada');
      await published(ada.client, { title: 'IDE first light' });
      const { page, outside, errors } = await offlinePage({
        Authorization: `Bearer ${ada.token}`,
      });
      await run(page, '{ me { handle } contents(first: 5) { edges { node { title } } } }');
      await result(page).getByText('IDE first light').waitFor({ timeout: WAIT_MS });
      await result(page).getByText('"ide_ada"').waitFor({ timeout: WAIT_MS });
      assert.deepEqual(outside, []);
      assert.deepEqual(errors, []);
    });

    it('should run a subscription over graphql-ws and show its events', async () => {
      const author = await fx.t.user('ide_author');
      const { page, outside, errors } = await offlinePage();
      await run(page, 'subscription { contentPublished { title } }');
      await waitForSubscribers(fx.t.server, CONTENT_PUBLISHED, undefined);
      await published(author.client, { title: 'Live from the IDE' });
      await result(page).getByText('Live from the IDE').waitFor({ timeout: WAIT_MS });
      assert.deepEqual(outside, []);
      assert.deepEqual(errors, []);
    });
  });

  describe(`GRAPHQL_IDE (${target.name})`, () => {
    for (const [ide, expected] of [
      ['apollo', /embeddable-sandbox/],
      ['off', null],
    ] as const) {
      it(`should serve ${expected ? "Apollo's Sandbox" : 'no page'} with GRAPHQL_IDE=${ide}`, async () => {
        const s = await bootServer(target, `ide_${ide}`, { env: { GRAPHQL_IDE: ide } });
        try {
          const r = await fetch(s.server.url, { headers: { accept: 'text/html' } });
          const text = await r.text();
          assert.doesNotMatch(text, /graphiql/i);
          if (expected) {
            assert.equal(r.status, 200);
            assert.match(text, expected);
          } else {
            assert.ok(r.status >= 400, `status ${r.status}`);
          }
          assert.equal((await fetch(new URL('/ide/graphiql.js', s.server.url))).status, 404);
        } finally {
          await s.close();
        }
      });
    }
  });
}
