import type { Scored } from './api-tune.js';
import type { Scores } from './metrics.js';

const BLEND_KEYS = ['cf', 'similar', 'author', 'trending', 'fresh', 'lambda', 'maxPerAuthor'];

/** The served lists beside UserKNN on the same split, as a markdown table. */
export function apiTable(
  knn: Scores,
  rows: Scored[],
  offline: { name: string; scores: Scores }[] = [],
): string {
  const header =
    '| model | NDCG@10 | NDCG vs UserKNN | recall@10 | precision@10 | hit rate@10 | coverage | lists shorter than 10 | already seen served | ms per request |';
  const cells = (name: string, s: Scores, rest: string[]) =>
    `| ${[
      name,
      s.ndcg.toFixed(4),
      `${(s.ndcg / knn.ndcg).toFixed(3)}×`,
      s.recall.toFixed(4),
      s.precision.toFixed(4),
      s.hitRate.toFixed(4),
      `${(s.coverage * 100).toFixed(1)}%`,
      ...rest,
    ].join(' | ')} |`;
  const lines = [
    header,
    `|${'---|'.repeat(10)}`,
    cells('UserKNN (cosine, k = 50), offline', knn, ['–', '–', '–']),
    ...offline.map((o) => cells(`${o.name}, offline`, o.scores, ['–', '–', '–'])),
    ...rows.map((r, i) =>
      cells(
        `served${i === rows.length - 1 && rows.length > 1 ? ' (best)' : ''}: ${BLEND_KEYS.map((k) => `${k} ${r.blend[k as keyof typeof r.blend]}`).join(', ')}`,
        r.scores,
        [`${(r.shortShare * 100).toFixed(1)}%`, String(r.seenServed), r.msPerRequest.toFixed(1)],
      ),
    ),
  ];
  return lines.join('\n');
}
