import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { browserSuite, needsBrowser, type BrowserFixture } from '../helpers/browser.js';
import type { Page } from 'playwright-core';
import { ev } from '../helpers/metrics.js';
import { published } from '../helpers/content.js';
import { ADMIN_EMAIL, PASSWORD } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// The live dashboard in a real browser: Debian's Chromium, driven by playwright-core,
// against a real server. Events go in through the API (the SDK); the test waits for the
// page to show them, polling what the page shows, never sleeping for a fixed time.

const ARTIFACTS = 'test-artifacts';
/** Platform metrics and the trending list update once a second: ample margin. */
const WAIT_MS = 20_000;

for (const target of targets()) {
  describe(`live dashboard (${target.name})`, needsBrowser, () => {
    const fx = browserSuite(target, 'dashboard');

    it('should show platform metrics, trending and content counters change as events arrive', async () => {
      const admin = await fx.t.user('admin', { email: ADMIN_EMAIL });
      const author = await fx.t.user('author');
      const viewers = [await fx.t.user('viewer_1'), await fx.t.user('viewer_2')];
      const content = await published(author.client, { title: 'Northern lights, live' });
      const { page, errors } = await signedIn(fx, admin.email);

      const before = await chartHolds(page, (n) => n >= 1);
      await page.fill('#content-id', content.id);
      await page.click('#watch-content button[type=submit]');
      await showsNumber(page, 'content-views', (n) => n === 0);

      // A view counts once per viewer (for a while): one each.
      for (const viewer of viewers) {
        await viewer.client.TrackEvents({ events: [ev('VIEW', content.id)] });
        await viewer.client.LikeContent({ id: content.id });
      }
      await viewers[0]!.client.TrackEvents({ events: [ev('SHARE', content.id)] });
      await viewers[0]!.client.AddComment({ contentId: content.id, body: 'Wow' });

      // First what looks back only 10 seconds.
      await showsNumber(page, 'events-per-second', (n) => n > 0);
      await chartHolds(page, (n) => n > before);
      await showsNumber(page, 'active-users', (n) => n >= 2);
      await showsNumber(page, 'live-connections', (n) => n >= 1);
      await showsNumber(page, 'content-views', (n) => n === 2);
      await showsNumber(page, 'content-shares', (n) => n === 1);
      await showsNumber(page, 'content-likes', (n) => n === 2);
      await showsNumber(page, 'content-comments', (n) => n === 1);
      await showsNumber(page, 'content-live-viewers', (n) => n === 2);
      const item = page.locator(`#trending li[data-content-id="${content.id}"]`);
      await item.waitFor({ timeout: WAIT_MS });
      assert.equal(await item.locator('.title').textContent(), 'Northern lights, live');
      assert.equal(await item.locator('.views').textContent(), '2 views');
      // Choosing it in the list watches it too, named this time.
      await item.locator('.title').click();
      const subject = page.locator('#content-title');
      await subject.filter({ hasText: 'Northern lights, live by @author' }).waitFor();
      await showsNumber(page, 'content-views', (n) => n === 2);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}/dashboard-${target.name}.png`, fullPage: true });
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it('should show FORBIDDEN in place of platform metrics to someone who is not an admin', async () => {
      const reader = await fx.t.user('reader');
      const other = await fx.t.user('other_author');
      const theirs = await published(other.client, { title: 'Not yours' });
      const { page, errors } = await signedIn(fx, reader.email);

      const error = page.locator('#platform-error');
      await error.filter({ hasText: 'FORBIDDEN' }).waitFor({ timeout: WAIT_MS });
      assert.equal(await page.locator('#active-users').textContent(), '–');
      assert.equal(await points(page), 0);
      // The counters of someone else's content are for its author and staff only.
      await page.fill('#content-id', theirs.id);
      await page.click('#watch-content button[type=submit]');
      await page
        .locator('#content-error')
        .filter({ hasText: 'FORBIDDEN' })
        .waitFor({ timeout: WAIT_MS });
      assert.equal(await page.isHidden('#trending-error'), true);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it('should say so when the password is wrong, and stay on the sign-in form', async () => {
      const context = await fx.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${fx.origin}/dashboard`);
      await page.fill('#email', ADMIN_EMAIL);
      await page.fill('#password', 'not the password');
      await page.click('#sign-in button[type=submit]');
      const error = page.locator('#sign-in-error');
      await error.filter({ hasText: 'UNAUTHENTICATED' }).waitFor({ timeout: WAIT_MS });
      assert.equal(await page.isHidden('#dashboard'), true);
      await context.close();
    });
  });
  describe(`live dashboard: history before live (${target.name})`, needsBrowser, () => {
    const fx = browserSuite(target, 'dashboard-history');

    it("should start the events chart with the server's last minutes, then go live", async () => {
      const admin = await fx.t.user('admin', { email: ADMIN_EMAIL });
      const author = await fx.t.user('history_author');
      const reader = await fx.t.user('history_reader');
      const content = await published(author.client, { title: 'Yesterday, today' });
      // 120 events three minutes ago: 2 per second over that minute.
      const at = new Date(Date.now() - 3 * 60_000).toISOString();
      const events = Array.from({ length: 120 }, () => ev('SHARE', content.id, { occurredAt: at }));
      assert.equal((await reader.client.TrackEvents({ events })).trackEvents.accepted, 120);

      const { page, errors } = await signedIn(fx, admin.email);
      const chart = page.locator('#chart-events[data-backfill]');
      await chart.waitFor({ state: 'attached', timeout: WAIT_MS });
      const history = ((await chart.getAttribute('data-backfill')) ?? '').split(' ').map(Number);
      assert.ok(history.length >= 4, `minutes of history: ${history.join(' ')}`);
      assert.deepEqual(
        history.filter((v) => v !== 0),
        [2],
        `one minute with 120 events: ${history.join(' ')}`,
      );
      // Live values follow the history.
      await chartHolds(page, (n) => n > history.length);
      assert.deepEqual(errors, []);
    });
  });
}

/** The number an element shows ('1,234' is 1234; '–', nothing yet, is NaN). */
async function shown(page: Page, id: string): Promise<number> {
  const text = ((await page.locator(`#${id}`).textContent()) ?? '').replace(/,/g, '');
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
}

/** Waits until the number the element `id` shows satisfies `ok`. */
function showsNumber(page: Page, id: string, ok: (n: number) => boolean): Promise<number> {
  return eventually(`#${id}`, () => shown(page, id), ok);
}

/** How many points the events-per-second chart holds. */
async function points(page: Page): Promise<number> {
  return Number(await page.locator('#chart-events').getAttribute('data-points'));
}

/** Waits until the number of points the events-per-second chart holds satisfies `ok`. */
function chartHolds(page: Page, ok: (n: number) => boolean): Promise<number> {
  return eventually('#chart-events[data-points]', () => points(page), ok);
}

/** Reads `probe` until `ok` holds; fails with the last value read after WAIT_MS. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      assert.fail(`gave up waiting for ${what}; last saw ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh page (its own browser context) signed in as `email`, and the errors it reports. */
async function signedIn(
  fx: BrowserFixture,
  email: string,
): Promise<{ page: Page; errors: string[] }> {
  const context = await fx.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A policy violation or a failed request shows up here.
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${fx.origin}/dashboard`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in button[type=submit]');
  await page.locator('#status[data-state="live"]').waitFor({ timeout: WAIT_MS });
  return { page, errors };
}
