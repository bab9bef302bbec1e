import { parentPort } from 'node:worker_threads';
import { buildItemModel } from './item-model.js';
import {
  modelBuffers,
  unpackInteractions,
  type BuildRequest,
  type BuildResponse,
} from './build.protocol.js';

// One request per worker: buildItemModelInWorker starts a worker per build and ends it after
// the answer, so nothing is left holding the interactions' memory.
parentPort?.once('message', (request: BuildRequest) => {
  let response: BuildResponse;
  try {
    const model = buildItemModel(request.nItems, unpackInteractions(request), request.options);
    response = { ok: true, model };
    parentPort!.postMessage(response, modelBuffers(model));
  } catch (error) {
    response = { ok: false, error: error instanceof Error ? error.message : String(error) };
    parentPort!.postMessage(response);
  }
});
