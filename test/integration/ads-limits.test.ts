import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { anonymousOf, track } from '../helpers/ads.js';
import { expectCode } from '../helpers/errors.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`ads: trackAdEvents limits (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'ads-limits', { env: { ADS_TRACK_RATE_PER_VIEWER: '5' } });
    });
    after(() => t.close());

    it('should limit events per viewer per minute, garbage included, and no one else', async () => {
      const [a, b] = await Promise.all([t.user('limiteda'), t.user('limitedb')]);
      assert.deepEqual(await track(a.client, ['x', 'y', 'z']), { accepted: 0, rejected: 3 });
      const e = await expectCode(track(a.client, ['x', 'y', 'z']), 'RATE_LIMITED');
      assert.ok(Number(e.errors[0]?.extensions?.retryAfter) >= 1);
      assert.deepEqual(await track(b.client, ['x']), { accepted: 0, rejected: 1 });
      const anonymous = anonymousOf(t, 'anon-limited-viewer');
      await track(anonymous, ['a', 'b', 'c', 'd', 'e']);
      await expectCode(track(anonymousOf(t, 'anon-limited-viewer'), ['f']), 'RATE_LIMITED');
    });

    it('should refuse more than 100 events in one call', async () => {
      const c = await t.user('limitedbatch');
      await expectCode(
        track(
          c.client,
          Array.from({ length: 101 }, () => 'x'),
        ),
        'BAD_USER_INPUT',
      );
    });
  });
}
