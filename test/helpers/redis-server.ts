import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { deferred } from './errors.js';
import { freePort } from './ws.js';

const BINARY = 'redis-server';
/** How long a redis-server may take to accept connections. */
const START_DEADLINE_MS = 10_000;

/**
 * Why tests that need their own redis-server cannot run here (it is not on the PATH: a
 * developer may use a remote Redis), or false when they can. Under CI=true that is an
 * error instead: CI must not skip them.
 */
export function withoutRedisServer(): string | false {
  if (!spawnSync(BINARY, ['--version'], { stdio: 'ignore' }).error) return false;
  const why = `${BINARY} is not on the PATH`;
  if (process.env.CI === 'true') throw new Error(`${why}, and CI must run every test`);
  return why;
}

/**
 * A private redis-server on a free port, for tests that stop and restart Redis: the shared
 * one at TEST_REDIS_URL serves other test files and must never go down. Nothing is saved
 * to disk, so a restart comes back empty, as after a crash without persistence. The
 * process is killed when the test process exits, even on failure.
 */
export interface RedisServer {
  url: string;
  /** Starts it (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, connections drop as in a crash. Resolves once it has exited. */
  kill(): Promise<void>;
}

export async function redisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = deferred<void>();
    running.once('exit', () => exited.resolve());
    running.kill('SIGKILL');
    await exited.promise;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) throw new Error('redis-server is already running');
      const ready = deferred<void>();
      const started = spawn(
        BINARY,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) ready.resolve();
      };
      started.stdout!.on('data', collect);
      started.stderr!.on('data', collect);
      started.once('error', (e) => ready.reject(e));
      started.once('exit', (code, signal) =>
        ready.reject(
          new Error(`redis-server exited (${code ?? signal}) while starting:\n${output}`),
        ),
      );
      const timer = setTimeout(
        () => ready.reject(new Error(`redis-server did not start in time:\n${output}`)),
        START_DEADLINE_MS,
      );
      try {
        await ready.promise;
      } catch (e) {
        await kill();
        throw e;
      } finally {
        clearTimeout(timer);
      }
    },
    kill,
  };
}

/**
 * Calls `probe` until it returns something truthy, pausing `pauseMs` between attempts;
 * fails with the last value seen once `deadlineMs` has passed.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  deadlineMs = 15_000,
  pauseMs = 50,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}; last: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
