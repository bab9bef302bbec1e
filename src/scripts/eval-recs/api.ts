import { performance } from 'node:perf_hooks';
import { recommendations } from '../../modules/recommendations/index.js';
import { DEFAULT_BLEND, type Blend } from '../../modules/recommendations/recs.blend.js';
import { loadThroughApi } from './api-load.js';
import { evaluationServer, modelCovering, servedLists } from './api-serve.js';
import { blendSearch, type Scored } from './api-tune.js';
import { userKnnRecommender } from './baselines.js';
import { servingRecommender } from './candidates.js';
import { buildItemModel } from '../../modules/recommendations/model/index.js';
import { evaluate, itemsByUser, type Scores } from './metrics.js';
import type { Ratings } from './movielens.js';
import { userSubset } from './subset.js';
import { apiTable } from './api-report.js';
import { randomSplit, type Split } from './split.js';

/**
 * `npm run eval:recs -- --api`: MovieLens through a real server. Loads the training split
 * through the API, waits for the server's own rebuild, asks recommendedContents as each
 * user with a test item, and scores the lists beside UserKNN on the same split. `--tune`
 * does the same on a validation split carved from the training data and searches the blend.
 */
export async function apiEvaluation(ratings: Ratings, seed: number, tune: boolean): Promise<void> {
  const subsetSize = process.env.EVAL_USERS ? Number(process.env.EVAL_USERS) : undefined;
  const data = userSubset(ratings, subsetSize);
  const split = randomSplit(data.interactions, 0.2, seed);
  const run: Split = tune ? randomSplit(split.train, 0.2, seed + 1) : split;
  console.log(
    `${subsetSize ? `SUBSET: the first ${data.users.length} users` : `all ${data.users.length} users`}, ` +
      `${data.nItems} items, ${data.interactions.length} ratings; ` +
      (tune
        ? `validation: the ${split.train.length} training ratings (seed ${seed}) split 80/20 again (seed ${seed + 1}): `
        : `seed ${seed}: `) +
      `${run.train.length} loaded as VIEW events, ${run.test.length} held out`,
  );

  const knn = evaluate(
    userKnnRecommender(data.nItems, run.train, 50),
    run.train,
    run.test,
    data.nItems,
  );
  // The model alone on the same split, through the serving functions (no blend, no server).
  const model = evaluate(
    servingRecommender(buildItemModel(data.nItems, run.train), run.train),
    run.train,
    run.test,
    data.nItems,
  );
  const { server, close } = await evaluationServer();
  try {
    const started = performance.now();
    const names = data.movieOf.map((movie) => `MovieLens movie ${movie}`);
    const loaded = await loadThroughApi(
      server.url,
      data.nItems,
      data.users,
      run.train,
      names,
      seed,
    );
    const loadedAt = performance.now();
    await modelCovering(server, new Set(run.train.map((x) => `${x.user}|${x.item}`)).size);
    const modelSeconds = (performance.now() - loadedAt) / 1000;
    const totalSeconds = (performance.now() - started) / 1000;
    console.log(
      `load through the API: ${data.users.length} + 50 sign-ups ${loaded.seconds.users.toFixed(1)} s, ` +
        `${data.nItems} items created and published ${loaded.seconds.items.toFixed(1)} s, ` +
        `${run.train.length} VIEW events ${loaded.seconds.events.toFixed(1)} s; ` +
        `the server's rebuild seen ${modelSeconds.toFixed(1)} s after the last event; ${totalSeconds.toFixed(1)} s in all`,
    );

    const service = server.use(recommendations).recommendations;
    const itemOf = new Map(loaded.contentOf.map((id, item) => [id, item]));
    const testUsers = [...itemsByUser(run.test).keys()];
    const seen = itemsByUser(run.train);
    const score = async (blend: Blend): Promise<Scored> => {
      service.blend = blend;
      const t = performance.now();
      const lists = await servedLists(server.url, testUsers, loaded.tokens, itemOf);
      const msPerRequest = (performance.now() - t) / testUsers.length;
      const scores: Scores = evaluate((u) => lists.get(u)!, run.train, run.test, data.nItems);
      let short = 0;
      let seenServed = 0;
      for (const [user, list] of lists) {
        if (list.length < 10) short++;
        for (const item of list) if (seen.get(user)?.has(item)) seenServed++;
      }
      return { blend, scores, shortShare: short / lists.size, seenServed, msPerRequest };
    };
    const rows = tune ? await blendSearch(score, knn.ndcg) : [await score(DEFAULT_BLEND)];
    console.log(apiTable(knn, rows, [{ name: 'Marquee model alone', scores: model }]));
  } finally {
    await close();
  }
}
