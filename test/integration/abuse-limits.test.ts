import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Redis } from 'ioredis';
import { sdkClient } from '../helpers/sdk.js';
import { expectCode } from '../helpers/errors.js';
import { ev, publishedBy } from '../helpers/metrics.js';
import { bootServer, PASSWORD, type Client, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// Limits on what anonymous clients can make the server hold, count or compute. With
// TRUST_PROXY each test speaks from addresses of its own (X-Forwarded-For), so the
// per-address limits of one test do not reach another.

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const LIMITS = {
  TRUST_PROXY: 'true',
  SIGNUP_RATE_LIMIT: '3',
  SIGNUP_RATE_WINDOW_SECONDS: '3600',
  TRACK_RATE_PER_CLIENT: '10',
  TRACK_RATE_PER_ADDRESS: '25',
  TRACK_RATE_WINDOW_SECONDS: '3600',
  TRACK_PER_CONTENT_PER_ADDRESS: '5',
  TRACK_PER_CONTENT_WINDOW_SECONDS: '3600',
};
const guard = { timeout: 600_000 };

for (const target of targets()) {
  describe(`abuse limits (${target.name})`, () => {
    let t: TestServer;
    const opened: Client[] = [];
    /** A client speaking from `address`, anonymous (with an anonymous id) unless given a token. */
    const from = (address: string, opts: { token?: string; anonymousId?: string } = {}) => {
      const c = sdkClient({
        url: t.server.url,
        token: opts.token,
        headers: {
          'x-forwarded-for': address,
          ...(opts.anonymousId ? { 'x-anonymous-id': opts.anonymousId } : {}),
        },
      });
      opened.push(c);
      return c;
    };
    const signUp = (c: Client, handle: string, email = `${handle}@example.com`) =>
      c.SignUp({ input: { email, password: PASSWORD, handle, displayName: handle } });
    /** The rate-limit keys in Redis (PostgreSQL + Redis only). */
    const rateKeys = async () => {
      const redis = new Redis(t.config.redisUrl!);
      try {
        const keys: string[] = [];
        const stream = redis.scanStream({ match: `${t.config.redisPrefix}rate*`, count: 1000 });
        for await (const batch of stream) keys.push(...(batch as string[]));
        return keys;
      } finally {
        redis.disconnect();
      }
    };

    before(async () => {
      t = await bootServer(target, 'abuse-limits', { env: LIMITS });
    });
    after(async () => {
      await Promise.all(opened.map((c) => c.close()));
      await t.close();
    });

    it(
      'should refuse 300 log-ins with 900 KB emails before counting or keeping them',
      guard,
      async () => {
        const address = '198.51.100.1';
        const c = from(address);
        await signUp(from('198.51.100.2'), 'login_owner');
        const huge = `${'a'.repeat(900_000)}@example.com`;
        const keysBefore = t.config.redisUrl ? (await rateKeys()).length : 0;
        gc();
        const heapBefore = process.memoryUsage().heapUsed;
        for (let round = 0; round < 75; round++) {
          const refused = await Promise.all(
            Array.from({ length: 4 }, () =>
              expectCode(c.LogIn({ input: { email: huge, password: 'x' } }), 'BAD_USER_INPUT'),
            ),
          );
          for (const e of refused) assert.equal(e.errors[0]?.extensions?.field, 'email');
        }
        gc();
        const grown = process.memoryUsage().heapUsed - heapBefore;
        assert.ok(grown < 64 * 1024 * 1024, `the heap grew by ${grown} bytes`);
        if (t.config.redisUrl) assert.equal((await rateKeys()).length, keysBefore, 'no key added');
        // Nothing was counted against the address (its limit is 5 × 10 attempts).
        const { logIn } = await c.LogIn({
          input: { email: 'login_owner@example.com', password: PASSWORD },
        });
        assert.ok(logIn.token);
      },
    );

    const redisOnly = {
      skip: !target.name.includes('redis') && 'the in-process store: test/unit/rate-limit.test.ts',
    };
    it('should key the limiter by a hash, never by the raw email', redisOnly, async () => {
      const email = `probe-${randomUUID()}@example.com`;
      await expectCode(
        from('198.51.100.3').LogIn({ input: { email, password: 'not the password' } }),
        'UNAUTHENTICATED',
      );
      const keys = await rateKeys();
      assert.ok(!keys.some((k) => k.includes('probe-') || k.includes('198.51.100')), String(keys));
      assert.ok(
        keys.some((k) => /rate:login:email:[0-9a-f]{32}$/.test(k)),
        String(keys),
      );
    });

    it('should refuse an email longer than 254 characters at log-in and sign-up', async () => {
      const email = `${'a'.repeat(250)}@example.com`;
      const c = from('198.51.100.4');
      const logIn = await expectCode(
        c.LogIn({ input: { email, password: PASSWORD } }),
        'BAD_USER_INPUT',
      );
      assert.equal(logIn.errors[0]?.extensions?.field, 'email');
      const signedUp = await expectCode(signUp(c, 'long_email', email), 'BAD_USER_INPUT');
      assert.equal(signedUp.errors[0]?.extensions?.field, 'email');
    });

    it('should rate-limit trackEvents per anonymous id and per client address', async () => {
      const author = await signUp(from('198.51.100.10'), 'track_author');
      const c = await publishedBy(from('198.51.100.10', { token: author.signUp.token }));
      const watch = () => ev('WATCH', c.id, { watchSeconds: 1 });
      // Per anonymous id: 10 events per window.
      const one = from('198.51.100.11', { anonymousId: `anon-${randomUUID()}` });
      const ok = await one.TrackEvents({ events: Array.from({ length: 10 }, watch) });
      assert.equal(ok.trackEvents.accepted, 10);
      const limited = await expectCode(one.TrackEvents({ events: [watch()] }), 'RATE_LIMITED');
      assert.equal(limited.errors[0]?.extensions?.reason, 'TOO_MANY_REQUESTS');
      assert.ok(Number(limited.errors[0]?.extensions?.retryAfter) >= 1);
      // Per address, whatever the ids: 25 events per window (11 taken above: refused ones count).
      for (let i = 0; i < 2; i++) {
        const fresh = from('198.51.100.11', { anonymousId: `anon-${randomUUID()}` });
        await fresh.TrackEvents({ events: Array.from({ length: 5 }, watch) });
      }
      const fresh = from('198.51.100.11', { anonymousId: `anon-${randomUUID()}` });
      await expectCode(
        fresh.TrackEvents({ events: Array.from({ length: 5 }, watch) }),
        'RATE_LIMITED',
      );
      // Another address is another budget.
      const elsewhere = from('198.51.100.12', { anonymousId: `anon-${randomUUID()}` });
      assert.equal((await elsewhere.TrackEvents({ events: [watch()] })).trackEvents.accepted, 1);
    });

    it('should count at most 5 views per address of a content, whatever the anonymous ids', async () => {
      const author = await signUp(from('198.51.100.20'), 'view_author');
      const authored = from('198.51.100.20', { token: author.signUp.token });
      const c = await publishedBy(authored, 'Pushed by fresh ids');
      const results = [];
      for (let i = 0; i < 12; i++) {
        const fresh = from('198.51.100.21', { anonymousId: `anon-${randomUUID()}` });
        results.push((await fresh.TrackEvents({ events: [ev('VIEW', c.id)] })).trackEvents);
      }
      assert.equal(results.filter((r) => r.accepted === 1).length, 5);
      const rejected = results.flatMap((r) => r.rejected);
      assert.equal(rejected.length, 7);
      for (const r of rejected) {
        assert.equal(r.code, 'RATE_LIMITED');
        assert.equal(r.reason, 'PER_CONTENT_LIMIT');
      }
      const viewCount = async () => (await authored.Content({ id: c.id })).content?.viewCount;
      assert.equal(await viewCount(), 5);
      const { trending } = await authored.Trending({ window: 'LAST_HOUR', first: 50 });
      assert.equal(trending.find((i) => i.content.id === c.id)?.views, 5);
      // Shares alike, counted apart from views.
      const sharer = from('198.51.100.21', { anonymousId: `anon-${randomUUID()}` });
      const shares = await sharer.TrackEvents({
        events: Array.from({ length: 8 }, () => ev('SHARE', c.id)),
      });
      assert.deepEqual([shares.trackEvents.accepted, shares.trackEvents.rejected.length], [5, 3]);
      assert.equal((await authored.Content({ id: c.id })).content?.shareCount, 5);
      // Another address's view still counts.
      const other = from('198.51.100.22', { anonymousId: `anon-${randomUUID()}` });
      await other.TrackEvents({ events: [ev('VIEW', c.id)] });
      assert.equal(await viewCount(), 6);
    });

    it('should rate-limit signUp per client address', async () => {
      const c = from('198.51.100.30');
      for (let i = 0; i < 3; i++) await signUp(c, `limited_${i}`);
      const e = await expectCode(signUp(c, 'limited_3'), 'RATE_LIMITED');
      assert.equal(e.errors[0]?.extensions?.reason, 'TOO_MANY_REQUESTS');
      await signUp(from('198.51.100.31'), 'limited_elsewhere');
    });

    it('should not say which emails are registered', async () => {
      await signUp(from('198.51.100.40'), 'owner_one');
      await signUp(from('198.51.100.40'), 'owner_two');
      const c = from('198.51.100.41');
      const one = await expectCode(signUp(c, 'taker_one', 'owner_one@example.com'), 'CONFLICT');
      const two = await expectCode(signUp(c, 'taker_two', ' OWNER_TWO@example.com'), 'CONFLICT');
      const shape = (e: typeof one) => ({
        message: e.errors[0]?.message,
        extensions: e.errors[0]?.extensions,
      });
      assert.deepEqual(shape(one), shape(two));
      assert.equal(one.errors[0]?.extensions?.field, undefined);
      assert.equal(one.errors[0]?.extensions?.reason, 'SIGN_UP_REFUSED');
      assert.doesNotMatch(one.errors[0]!.message, /email|registered|owner_one/i);
      // Handles are public: a taken one is named.
      const handle = await expectCode(signUp(c, 'owner_one', 'free@example.com'), 'CONFLICT');
      assert.equal(handle.errors[0]?.extensions?.field, 'handle');
    });

    it('should refuse a password of only spaces, or longer than 256 characters', async () => {
      const c = from('198.51.100.50');
      for (const password of [' '.repeat(12), '\u3000\t '.repeat(5), 'p'.repeat(257)]) {
        const e = await expectCode(
          c.SignUp({
            input: { email: 'spaces@example.com', password, handle: 'spaces', displayName: 's' },
          }),
          'BAD_USER_INPUT',
        );
        assert.equal(e.errors[0]?.extensions?.field, 'password', JSON.stringify(password));
      }
    });

    it('should refuse a 1 MB mimeType, and over-long tags, URLs and filters', async () => {
      const author = await signUp(from('198.51.100.60'), 'media_author');
      const c = from('198.51.100.60', { token: author.signUp.token });
      const create = (media: { url: string; mimeType: string }[], tags?: string[]) =>
        c.CreateContent({ input: { kind: 'IMAGE', title: 't', body: 'b', media, tags } });
      const url = 'https://cdn.example.com/a.png';
      const cases: [() => Promise<unknown>, string][] = [
        [() => create([{ url, mimeType: `image/${'a'.repeat(1_000_000)}` }]), 'media.mimeType'],
        [() => create([{ url, mimeType: `image/${'a'.repeat(250)}` }]), 'media.mimeType'],
        [
          () => create([{ url: `${url}?${'q'.repeat(500_000)}`, mimeType: 'image/png' }]),
          'media.url',
        ],
        [() => create([{ url, mimeType: 'image/png' }], Array(1000).fill('t')), 'tags'],
        [() => create([{ url, mimeType: 'image/png' }], ['t'.repeat(100_000)]), 'tags'],
        [() => c.Contents({ filter: { tag: 'x'.repeat(100_000) } }), 'filter.tag'],
      ];
      for (const [request, field] of cases) {
        const e = await expectCode(request(), 'BAD_USER_INPUT');
        assert.equal(e.errors[0]?.extensions?.field, field);
      }
      const { createContent } = await create([{ url, mimeType: 'image/png' }]);
      assert.equal(createContent.media[0]?.mimeType, 'image/png');
      assert.equal((await c.UserByHandle({ handle: 'h'.repeat(100_000) })).userByHandle, null);
    });
  });
}
