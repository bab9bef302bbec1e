import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Interaction } from '../../modules/recommendations/model/index.js';
import type { Candidate } from './candidates.js';
import { evaluate, type Scores } from './metrics.js';

export interface Row extends Scores {
  name: string;
  role: Candidate['role'];
  buildMs: number;
  msPerUser: number;
}

/** Builds a candidate on `train`, ranks for every test user, and times both. */
export function measure(
  candidate: Pick<Candidate, 'name' | 'role' | 'build'>,
  nItems: number,
  train: Interaction[],
  test: Interaction[],
): Row {
  const started = performance.now();
  const recommend = candidate.build(nItems, train);
  const buildMs = performance.now() - started;
  const ranking = performance.now();
  const scores = evaluate(recommend, train, test, nItems);
  const msPerUser = (performance.now() - ranking) / scores.users;
  return { name: candidate.name, role: candidate.role, buildMs, msPerUser, ...scores };
}

/** The mean of the same candidate's rows over several splits. */
export function averageRows(rows: Row[]): Row {
  const mean = (pick: (r: Row) => number) => rows.reduce((s, r) => s + pick(r), 0) / rows.length;
  return {
    name: rows[0]!.name,
    role: rows[0]!.role,
    precision: mean((r) => r.precision),
    recall: mean((r) => r.recall),
    ndcg: mean((r) => r.ndcg),
    hitRate: mean((r) => r.hitRate),
    coverage: mean((r) => r.coverage),
    users: mean((r) => r.users),
    buildMs: mean((r) => r.buildMs),
    msPerUser: mean((r) => r.msPerUser),
  };
}

export function machine(): string {
  const cpu = cpus();
  const memory = Math.round(totalmem() / 2 ** 30);
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${memory} GiB, Node ${process.version}`;
}

/** A markdown table; `ratio` is NDCG@10 relative to the row named `reference`. */
export function table(rows: Row[], reference: string): string {
  const base = rows.find((r) => r.name === reference)?.ndcg ?? NaN;
  const header =
    '| model | role | precision@10 | recall@10 | NDCG@10 | NDCG vs UserKNN | hit rate@10 | coverage | build | ranking per user |';
  const lines = rows.map((r) =>
    [
      r.name,
      r.role,
      r.precision.toFixed(4),
      r.recall.toFixed(4),
      r.ndcg.toFixed(4),
      `${(r.ndcg / base).toFixed(3)}×`,
      r.hitRate.toFixed(4),
      `${(r.coverage * 100).toFixed(1)}%`,
      r.buildMs >= 1000 ? `${(r.buildMs / 1000).toFixed(2)} s` : `${r.buildMs.toFixed(0)} ms`,
      `${r.msPerUser.toFixed(2)} ms`,
    ].join(' | '),
  );
  return [header, `|${'---|'.repeat(10)}`, ...lines.map((l) => `| ${l} |`)].join('\n');
}
