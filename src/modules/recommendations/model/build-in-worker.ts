import { Worker } from 'node:worker_threads';
import { packInteractions, type BuildRequest, type BuildResponse } from './build.protocol.js';
import type { Interaction, ItemModel, ItemModelOptions } from './model.types.js';

/**
 * {@link buildItemModel} in a worker thread, so a rebuild (seconds of CPU for 200 000
 * interactions) never blocks the event loop. Starts one worker per call and ends it once the
 * model is back; the interactions are packed into typed arrays and transferred, and the
 * model's buffers come back transferred too (no copy). Rejects with the build's error, or
 * if the worker dies; `signal` terminates the worker and rejects with an AbortError.
 * Concurrent calls run concurrently: callers should serialise rebuilds (the machine has two
 * cores, and serving needs one).
 */
export function buildItemModelInWorker(
  nItems: number,
  interactions: Interaction[],
  options: Partial<ItemModelOptions> = {},
  signal?: AbortSignal,
): Promise<ItemModel> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const worker = new Worker(new URL('./build.worker.js', import.meta.url));
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (response: BuildResponse) =>
      finish(() => (response.ok ? resolve(response.model) : reject(new Error(response.error)))),
    );
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) =>
      finish(() => reject(new Error(`model build worker exited with code ${code}`))),
    );
    const packed = packInteractions(interactions);
    const request: BuildRequest = { nItems, ...packed, options };
    worker.postMessage(request, [
      packed.users.buffer,
      packed.items.buffer,
      packed.weights.buffer,
      packed.times.buffer,
    ]);
  });
}
