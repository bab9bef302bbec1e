import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { BackupError } from './backup.errors.js';
import { readEncrypted, writeEncrypted } from './envelope.js';

/*
 * PostgreSQL is dumped by pg_dump in its custom format rather than by an export of our
 * own: pg_dump reads everything in one repeatable-read transaction (a consistent snapshot
 * while the server writes, without blocking it), its custom format is already compressed,
 * and it carries the whole schema as PostgreSQL knows it (the generated full-text column
 * and its GIN index, sequences and their positions, constraints) which an export of rows
 * would have to re-create by hand. pg_restore reads it back. Both must be at least the
 * server's major version.
 */

/**
 * libpq's connection string without the password, and the environment that carries the
 * password instead: a command line is visible to every user of the machine (`ps`).
 */
function connection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  // The tools also read libpq's own variables (PGSSLMODE, ~/.pgpass through HOME).
  const env = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { url: url.toString(), env };
}

/**
 * Starts a PostgreSQL client tool. `exited` resolves when it exits 0, and otherwise fails
 * with what it wrote to stderr (its messages name the host and user, never the password).
 */
function spawnTool(tool: string, args: string[], databaseUrl: string, withStdout = false) {
  const { url, env } = connection(databaseUrl);
  const child = spawn(tool, [...args, `--dbname=${url}`], {
    env,
    stdio: ['ignore', withStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 8_000) stderr += chunk.toString();
  });
  const exited = new Promise<void>((done, fail) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        new BackupError(
          err.code === 'ENOENT'
            ? `${tool} was not found on PATH: install the PostgreSQL client tools (the server's major version or newer)`
            : `${tool} could not start: ${err.message}`,
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? done()
        : fail(new BackupError(`${tool} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
  return { stdout: child.stdout, exited };
}

/** Streams `pg_dump --format=custom` of the database, encrypted, into `file`. */
export async function backupPostgres(
  databaseUrl: string,
  file: string,
  key: Buffer,
): Promise<void> {
  const { stdout, exited } = spawnTool(
    'pg_dump',
    ['--format=custom', '--no-password'],
    databaseUrl,
    true,
  );
  exited.catch(() => undefined); // awaited at the end of the stream below
  // The stream fails unless pg_dump succeeded, so a cut-short dump is never kept.
  const dump = async function* () {
    yield* stdout!;
    await exited;
  };
  await writeEncrypted(file, 'postgresql', key, Readable.from(dump()));
}

/** Tables, views, sequences and other relations outside PostgreSQL's own schemas. */
async function relationCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
       where s.nspname not in ('pg_catalog', 'information_schema')
         and s.nspname not like 'pg\\_toast%' and s.nspname not like 'pg\\_temp%'`,
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/**
 * Restores `file` into the database at `databaseUrl`, which must be empty unless `force`
 * (then pg_restore drops each object of the backup before re-creating it; objects the
 * backup does not have are left). The dump is decrypted to a scratch file next to the
 * backup and authenticated before pg_restore reads it, in one transaction: a failed
 * restore leaves the database as it was. Owners and grants are not restored: the objects
 * belong to the user of DATABASE_URL.
 */
export async function restorePostgres(
  file: string,
  databaseUrl: string,
  key: Buffer,
  force: boolean,
): Promise<void> {
  const relations = await relationCount(databaseUrl);
  if (relations && !force) {
    throw new BackupError(
      `the database of DATABASE_URL is not empty (${relations} relations): restore into an empty database, or pass --force to replace what the backup holds`,
    );
  }
  const scratch = await mkdtemp(join(dirname(resolve(file)), '.marquee-restore-'));
  try {
    const dump = join(scratch, 'dump.pgcustom');
    await readEncrypted(file, key, createWriteStream(dump, { mode: 0o600 }));
    await spawnTool(
      'pg_restore',
      [
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        '--exit-on-error',
        '--no-password',
        ...(force ? ['--clean', '--if-exists'] : []),
        dump,
      ],
      databaseUrl,
    ).exited;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
