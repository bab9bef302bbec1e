/**
 * `stream`, calling `onEnd` once it ends for any reason: done, returned (the client
 * unsubscribed) or thrown into. For bookkeeping that must not outlive a subscription
 * (the set of streams a periodic re-authorisation walks).
 */
export function onStreamEnd<T>(
  stream: AsyncIterableIterator<T>,
  onEnd: () => void,
): AsyncIterableIterator<T> {
  return {
    async next() {
      const r = await stream.next();
      if (r.done) onEnd();
      return r;
    },
    async return() {
      onEnd();
      return (await stream.return?.()) ?? { value: undefined, done: true };
    },
    async throw(err?: unknown) {
      onEnd();
      await stream.return?.();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
