import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A server in its own process (its CPU and memory measured apart from the clients'). */
export interface ServerProcess {
  url: string;
  wsUrl: string;
  pid: number;
  /** Resident memory, bytes. */
  rss(): number;
  /** User + system CPU time consumed so far, seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** `BENCH_SERVER_NODE_ARGS` (space separated): options for every benchmarked server's node. */
export const benchNodeArgs = () =>
  (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Starts `dist/src/main.js` on a free port with `env`. `execArgv`, and
 * `BENCH_SERVER_NODE_ARGS` (space separated), go to the server's node (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`, not allowed in NODE_OPTIONS).
 */
export async function startServerProcess(
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const nodeArgs = [...execArgv, ...benchNodeArgs()];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, resolve('dist/src/main.js')], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      // stop() need not linger for late requests: nothing is sent after it.
      SHUTDOWN_GRACE_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the server process exited during start-up');
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error('the server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid,
    rss: () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024,
    cpuSeconds() {
      // Fields 14 and 15 of /proc/<pid>/stat: utime and stime, in clock ticks (100 per second).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** One GraphQL request over HTTP; throws on GraphQL errors (shared with eval:recs --api). */
export { gql } from '../../src/scripts/eval-recs/api-client.js';

export const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
