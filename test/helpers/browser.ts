import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { bootServer, type TestServer } from './server.js';
import type { Target } from './targets.js';

/** Debian's Chromium (apt-get install chromium): nothing downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';
const ci = process.env.CI === 'true';
const noBrowser = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing (apt-get install chromium); CI=true makes this a failure`;

/** The `describe` option of a browser suite: skipped without Chromium, except in CI. */
export const needsBrowser = { skip: !ci && noBrowser };

export interface BrowserFixture {
  t: TestServer;
  browser: Browser;
  /** The server's origin, `http://127.0.0.1:<port>`. */
  origin: string;
}

/** Registers the suite's before/after: a server on fresh storage from `target`, and Chromium. */
export function browserSuite(target: Target, label: string): BrowserFixture {
  const fx = {} as BrowserFixture;
  before(async () => {
    assert.equal(noBrowser, false, noBrowser || '');
    fx.t = await bootServer(target, label);
    fx.origin = new URL(fx.t.server.url).origin;
    fx.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await fx.browser?.close();
    await fx.t?.close();
  });
  return fx;
}
