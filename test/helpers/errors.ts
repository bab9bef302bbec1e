import assert from 'node:assert/strict';
import { MarqueeError } from '../../sdk/src/index.js';

/** Awaits `promise`, expecting a GraphQL error with `code`; returns it for further checks. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<MarqueeError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof MarqueeError, `expected a GraphQL error, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, but the request succeeded`);
}

/** A promise with its resolve/reject exposed, instead of sleeping in tests. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
