import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { deferred } from './errors.js';

/** The compiled entry point, in the same output folder as this compiled test. */
const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs `node <outDir>/src/main.js` with only `env` (and PATH): nothing leaks in from the test
 * runner's environment, such as a database URL or node:test's own variables.
 */
export function launch(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  const url = deferred<string>();
  const exited = deferred<Exit>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    const printed = /^Marquee GraphQL API: (\S+)$/.exec(line);
    if (printed) url.resolve(printed[1]!);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': by then everything the process wrote has been read.
  child.once('close', (code, signal) => {
    url.reject(new Error(`exited (${code ?? signal}) before serving:\n${stderr}`));
    exited.resolve({ code, signal });
  });
  url.promise.catch(() => undefined);
  return {
    child,
    url: url.promise,
    exited: exited.promise,
    stdout,
    stderr: () => stderr,
  };
}

/**
 * Servers launched for one suite: `launch` as above, remembered; `killAll()` (in `after`)
 * SIGKILLs every one still running, so a failed test leaves no process behind.
 */
export function launches() {
  const children: ReturnType<typeof launch>[] = [];
  return {
    launch(env: Record<string, string>) {
      const p = launch(env);
      children.push(p);
      return p;
    },
    killAll() {
      for (const p of children) {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      }
    },
  };
}

/**
 * A POST whose headers the server has taken (it answered `100 Continue`, so the request is
 * under way) while its body is held back until `send()`: a request deterministically in
 * flight.
 */
export function heldRequest(url: string, body: string, headers: Record<string, string> = {}) {
  const accepted = deferred<void>();
  const response = deferred<{ status: number; body: string }>();
  const req = request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
      ...headers,
    },
  });
  req.on('continue', () => accepted.resolve());
  req.on('response', (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => response.resolve({ status: res.statusCode ?? 0, body: text }));
  });
  req.on('error', (e) => {
    accepted.reject(e);
    response.reject(e);
  });
  response.promise.catch(() => undefined);
  req.flushHeaders();
  return {
    accepted: accepted.promise,
    send() {
      req.end(body);
      return response.promise;
    },
  };
}
