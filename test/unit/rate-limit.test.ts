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
});
