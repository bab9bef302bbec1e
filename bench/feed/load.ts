import { performance } from 'node:perf_hooks';

export interface LoadResult {
  requests: number;
  seconds: number;
  latenciesMs: number[];
}

/**
 * A closed loop: `clients` concurrent clients, each sending `body` again as soon as its last
 * answer arrived, for `seconds`. Every answer is checked (`check`): an error stops the run.
 */
export async function closedLoop(
  url: string,
  headers: Record<string, string>,
  body: string,
  clients: number,
  seconds: number,
  check: (json: unknown) => void,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const json: unknown = await response.json();
      latenciesMs.push(performance.now() - t0);
      check(json);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return {
    requests: latenciesMs.length,
    seconds: (performance.now() - start) / 1000,
    latenciesMs,
  };
}
