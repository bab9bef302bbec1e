import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromCeiling } from './protocol.js';
import { benchNodeArgs } from '../support/server-process.js';

/** The child processes of the fan-out benchmark, and what /proc says about them. */

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled server entry, as `npm start` runs it. */
const MAIN = join(here, '..', '..', 'src', 'main.js');
const STOP_GRACE_MS = 30_000;

const running = new Set<ChildProcess>();

/** Kills, by pid, every child still running: the benchmark failed half-way. */
export function killStragglers(): void {
  for (const child of running) child.kill('SIGKILL');
}

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Stops a child gracefully (`how`), and kills it if it has not exited within the grace. */
async function stop(child: ChildProcess, how: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  how();
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

export interface Child {
  pid: number;
  stop(): Promise<void>;
}

export interface MarqueeProcess extends Child {
  url: string;
  wsUrl: string;
}

/**
 * `node dist/src/main.js` with exactly `env` (plus PATH): nothing leaks in from the shell
 * that runs the benchmark. Resolves once the server prints its URL.
 */
export async function startMarquee(env: Record<string, string>): Promise<MarqueeProcess> {
  const child = track(
    spawn(process.execPath, [...benchNodeArgs(), MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /Marquee GraphQL API: (\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`server ${child.pid} died (${code ?? signal}): ${stderr}`);
  });
  return {
    pid: child.pid!,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    stop: () => {
      stopping = true;
      return stop(child, () => child.kill('SIGTERM'));
    },
  };
}

/** The raw `ws` broadcaster; `port` is where its clients connect. */
export async function startCeiling(): Promise<Child & { port: number; child: ChildProcess }> {
  const child = track(fork(join(here, 'ceiling-server.js'), { stdio: 'inherit' }));
  const [message] = (await once(child, 'message')) as [FromCeiling];
  return {
    pid: child.pid!,
    port: message.port,
    child,
    stop: () => stop(child, () => child.disconnect()),
  };
}

/** The subscriber process (see subscribers.ts); talk to it with `child.send`. */
export function forkSubscribers(): ChildProcess {
  return track(fork(join(here, 'subscribers.js'), { stdio: 'inherit' }));
}

/** Resident memory of a process, in KiB. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14 and stime 15, in clock ticks (100/s).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
