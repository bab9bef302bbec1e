/**
 * The fuzz run's seed and sizes. Fixed by default so a run is repeatable; FUZZ_SEED
 * replays or varies it, FUZZ_RUNS scales every case count (1 = the defaults below).
 */
export interface FuzzSettings {
  seed: number;
  /** Multiplier of the default case counts. */
  scale: number;
}

const DEFAULT_SEED = 20261202;

export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : DEFAULT_SEED;
  const scale = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) / DEFAULT_HTTP_RUNS : 1;
  if (!Number.isSafeInteger(seed))
    throw new Error(`FUZZ_SEED must be an integer: ${env.FUZZ_SEED}`);
  if (!(scale > 0)) throw new Error(`FUZZ_RUNS must be a positive number: ${env.FUZZ_RUNS}`);
  return { seed, scale };
}

/** Generated operations over HTTP per target; FUZZ_RUNS sets this number. */
export const DEFAULT_HTTP_RUNS = 2000;

/** A case count scaled like the HTTP one (at least 1). */
export const runs = (s: FuzzSettings, base: number) => Math.max(1, Math.round(base * s.scale));
