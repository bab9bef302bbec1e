import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deferred } from './errors.js';
import { freePort } from './ws.js';

const BIN = process.env.TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const INITDB = join(BIN, 'initdb');
const POSTGRES = join(BIN, 'postgres');
/** How long a cluster may take to accept connections (initdb excluded). */
const START_DEADLINE_MS = 20_000;
/** PostgreSQL refuses to run as root: then it runs as this OS user. */
const OS_USER = 'postgres';

/** uid/gid to run the binaries as: none when not root, the `postgres` user when root. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, OS_USER], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`running as root, and there is no "${OS_USER}" user to run PostgreSQL as`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Why tests that need their own PostgreSQL cluster cannot run here (no server binaries at
 * TEST_POSTGRES_BIN or /usr/lib/postgresql/15/bin), or false when they can. Under CI=true
 * that is an error instead: CI must not skip them.
 */
export function withoutPostgresServer(): string | false {
  if (!spawnSync(POSTGRES, ['--version'], { stdio: 'ignore' }).error) return false;
  const why = `${POSTGRES} is not there (set TEST_POSTGRES_BIN)`;
  if (process.env.CI === 'true') throw new Error(`${why}, and CI must run every test`);
  return why;
}

/**
 * A private PostgreSQL cluster (trust authentication, user `postgres`, 127.0.0.1 on a free
 * port, in a temporary folder), for tests that stop and restart the database: the shared
 * one at TEST_DATABASE_URL serves other test files and must never go down. The cluster is
 * killed and its folder removed when the test process exits, even on failure.
 */
export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Starts it (again) on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /**
   * Immediate shutdown (SIGQUIT): backends end at once, clients' connections drop and the
   * next start runs crash recovery, as after a crash. Resolves once it has exited.
   */
  kill(): Promise<void>;
  /** Kills it and removes its folder. */
  destroy(): Promise<void>;
}

export async function postgresServer(): Promise<PostgresServer> {
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'marquee-pg-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  const as: SpawnOptions = user ? { uid: user.uid, gid: user.gid } : {};
  const init = spawnSync(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
    ...as,
    encoding: 'utf8',
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.error?.message}):\n${init.stderr}`);
  }
  const port = await freePort();
  let child: ChildProcess | null = null;
  const cleanUp = () => {
    child?.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);

  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = deferred<void>();
    running.once('exit', () => exited.resolve());
    running.kill('SIGQUIT');
    await exited.promise;
  };

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      if (child) throw new Error('postgres is already running');
      const ready = deferred<void>();
      const started = spawn(
        POSTGRES,
        [
          ...['-D', data, '-p', String(port), '-k', dir],
          ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=50'],
        ],
        { ...as, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('database system is ready to accept connections')) ready.resolve();
      };
      started.stdout!.on('data', collect);
      started.stderr!.on('data', collect);
      started.once('error', (e) => ready.reject(e));
      started.once('exit', (code, signal) =>
        ready.reject(new Error(`postgres exited (${code ?? signal}) while starting:\n${output}`)),
      );
      const timer = setTimeout(
        () => ready.reject(new Error(`postgres did not start in time:\n${output}`)),
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
    async destroy() {
      await kill();
      process.removeListener('exit', cleanUp);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
