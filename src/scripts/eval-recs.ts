import 'reflect-metadata';
import { apiEvaluation } from './eval-recs/api.js';
import { candidates } from './eval-recs/candidates.js';
import { loadRatings, ratingsPath } from './eval-recs/movielens.js';
import { averageRows, machine, measure, table, type Row } from './eval-recs/report.js';
import { randomSplit } from './eval-recs/split.js';
import { tuningGrid } from './eval-recs/tune.js';

/**
 * `npm run eval:recs`: the offline evaluation of issue 5 on MovieLens ml-latest-small, through
 * the serving functions. `-- --tune` instead runs the hyperparameter grid on three validation
 * splits carved out of the training data (the test split stays unseen), which is where the
 * serving defaults and the candidates' values come from. `EVAL_SEED` changes the seed.
 * `-- --api` evaluates the served list through a real server instead (eval-recs/api.ts;
 * with `--tune`, the blend search on a validation split); `EVAL_USERS=n` keeps the first n users.
 */
const SEED = Number(process.env.EVAL_SEED ?? 42);
const TEST_SHARE = 0.2;
const tune = process.argv.includes('--tune');

const ratings = await loadRatings();
if (process.argv.includes('--api')) {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  await apiEvaluation(ratings, SEED, tune);
  process.exit(0);
}
const split = randomSplit(ratings.interactions, TEST_SHARE, SEED);
// Tuning averages three validation splits of the training data: on one split, settings
// within 0.5% of each other swap places from one seed to the next.
const validationSeeds = [SEED + 1, SEED + 2, SEED + 3];
const evaluations = tune
  ? validationSeeds.map((seed) => randomSplit(split.train, TEST_SHARE, seed))
  : [split];

console.log(`machine: ${machine()}`);
console.log(`data: ${ratingsPath()}`);
console.log(
  `MovieLens ml-latest-small: ${ratings.interactions.length} ratings, ${ratings.nUsers} users, ${ratings.nItems} items`,
);
console.log(
  tune
    ? `validation: the ${split.train.length} training ratings (seed ${SEED}) split again 80/20 ` +
        `with seeds ${validationSeeds.join(', ')}; figures are means over the three`
    : `seed ${SEED}: ${split.train.length} training and ${split.test.length} test ratings`,
);
console.log(
  'protocol: every rating is implicit feedback (weight 1); seeded random 80/20 split per rating;\n' +
    'training items excluded; full ranking over all items; top 10; averaged over users with a\n' +
    'test item; recall = hits / |test items|; NDCG with binary relevance, ideal DCG over\n' +
    'min(10, |test items|); coverage = distinct items in any top 10 / all items.\n',
);

const rows: Row[] = [];
for (const candidate of tune ? [...candidates.slice(0, 2), ...tuningGrid()] : candidates) {
  const runs = evaluations.map(({ train, test }) =>
    measure(candidate, ratings.nItems, train, test),
  );
  const row = averageRows(runs);
  rows.push(row);
  console.error(`  ${row.name}: NDCG@10 ${row.ndcg.toFixed(4)}`);
}
console.log(table(rows, candidates[1]!.name));
