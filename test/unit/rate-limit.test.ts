import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryRateLimiter, rateKey } from '../../src/infra/rate-limit.js';

// The in-process store cannot be seen through the server: its keys are checked here
// (the Redis keys are checked through the server in abuse-limits.test.ts).
describe('rate limiter keys', () => {
  it('should key a subject by 32 hex characters of its hash, whatever its length', () => {
    const huge = `${'a'.repeat(900_000)}@example.com`;
    const key = rateKey('login:email', huge);
    assert.match(key, /^login:email:[0-9a-f]{32}$/);
    assert.notEqual(
      rateKey('login:email', 'a@example.com'),
      rateKey('login:email', 'b@example.com'),
    );
    assert.doesNotMatch(rateKey('login:email', 'a@example.com'), /example/);
  });

  it('should count points per window and refuse past the limit, refused attempts included', async () => {
    const limiter = memoryRateLimiter();
    assert.equal((await limiter.hit('t', 'x', 3, 60, 2)).allowed, true);
    assert.equal((await limiter.hit('t', 'x', 3, 60)).allowed, true);
    const refused = await limiter.hit('t', 'x', 3, 60);
    assert.equal(refused.allowed, false);
    assert.ok(refused.retryAfter >= 1 && refused.retryAfter <= 60);
    assert.equal((await limiter.hit('t', 'y', 3, 60)).allowed, true, 'another subject');
    assert.equal((await limiter.hit('u', 'x', 3, 60)).allowed, true, 'another scope');
  });

  it('should count many subjects at once and say how many points each window holds', async () => {
    const limiter = memoryRateLimiter();
    const first = await limiter.hitMany(
      [
        { scope: 't', subject: 'x', points: 2 },
        { scope: 't', subject: 'y', points: 1 },
        { scope: 'u', subject: 'x', points: 4 },
      ],
      60,
    );
    assert.deepEqual(
      first.map((r) => r.consumed),
      [2, 1, 4],
    );
    const again = await limiter.hitMany([{ scope: 't', subject: 'x', points: 3 }], 60);
    assert.equal(again[0]!.consumed, 5);
    assert.ok(again[0]!.retryAfter >= 1 && again[0]!.retryAfter <= 60);
  });
});
