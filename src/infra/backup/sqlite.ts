import { existsSync, createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import { BackupError } from './backup.errors.js';
import { readEncrypted, writeEncrypted } from './envelope.js';

/** The part of better-sqlite3 used here (installed with @mikro-orm/better-sqlite, untyped). */
export interface SqliteDb {
  backup(destination: string, options?: { progress(): number }): Promise<unknown>;
  prepare(sql: string): {
    all(...params: unknown[]): Record<string, unknown>[];
    get(...params: unknown[]): Record<string, unknown> | undefined;
  };
  pragma(sql: string, options?: { simple: boolean }): unknown;
  close(): void;
}

const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  path: string,
  options?: { readonly?: boolean; fileMustExist?: boolean },
) => SqliteDb;

/** Opens an existing SQLite file (never creates one). */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): SqliteDb {
  return new Database(path, { fileMustExist: true, ...options });
}

function tableCount(path: string): number {
  if (!existsSync(path)) return 0;
  const db = openSqlite(path, { readonly: true });
  try {
    return Number(
      db.prepare(`select count(*) as n from sqlite_master where type = 'table'`).get()!.n,
    );
  } finally {
    db.close();
  }
}

/**
 * Backs up the SQLite file at `dbPath` into `file`: SQLite's online backup API copies a
 * consistent snapshot while the servers keep reading and writing (WAL: readers do not
 * block writers) into a scratch folder next to the backup (mode 0700: the copy is
 * plaintext), which is then gzipped and encrypted as a stream.
 */
export async function backupSqlite(dbPath: string, file: string, key: Buffer): Promise<void> {
  if (!existsSync(dbPath)) throw new BackupError(`there is no database at ${dbPath}`);
  const scratch = await mkdtemp(join(dirname(file), '.marquee-backup-'));
  try {
    const snapshot = join(scratch, 'snapshot.sqlite');
    const db = openSqlite(dbPath);
    try {
      // Every page in one step, so in one read transaction: steps of 100 pages (the
      // default) start over whenever a server writes in between, and may never finish.
      await db.backup(snapshot, { progress: () => 0x7fffffff });
    } finally {
      db.close();
    }
    await writeEncrypted(file, 'sqlite', key, createReadStream(snapshot), createGzip());
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Restores `file` as the SQLite file `dbPath`. The servers must be stopped: the file is
 * replaced, not written through their connections. Refuses a database that has tables
 * unless `force`. The plaintext goes to a scratch file in the same folder, is
 * authenticated and integrity-checked there, and only then renamed into place (with the
 * old write-ahead log removed, which SQLite would otherwise replay onto it).
 */
export async function restoreSqlite(
  file: string,
  dbPath: string,
  key: Buffer,
  force: boolean,
): Promise<void> {
  const tables = tableCount(dbPath);
  if (tables && !force) {
    throw new BackupError(
      `the database ${dbPath} is not empty (${tables} tables): restore into an empty data directory, or pass --force to replace it`,
    );
  }
  mkdirSync(dirname(dbPath), { recursive: true });
  const scratch = await mkdtemp(join(dirname(dbPath), '.marquee-restore-'));
  try {
    const restored = join(scratch, 'restored.sqlite');
    await readEncrypted(file, key, createWriteStream(restored), createGunzip());
    const db = openSqlite(restored);
    try {
      const check = db.pragma('integrity_check', { simple: true });
      if (check !== 'ok')
        throw new BackupError(`the restored database is damaged: ${String(check)}`);
    } finally {
      db.close();
    }
    await rm(`${dbPath}-wal`, { force: true });
    await rm(`${dbPath}-shm`, { force: true });
    await rename(restored, dbPath);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
