import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { dbKind, sqlitePath } from '../db.js';
import { BackupError } from './backup.errors.js';
import { keyIdOf, readHeader, type BackupKind } from './envelope.js';
import { backupPostgres, restorePostgres } from './postgres.js';
import { backupSqlite, restoreSqlite } from './sqlite.js';

export { BackupError } from './backup.errors.js';

type BackupConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'backupEncryptionKey'>;

function keyOf(config: BackupConfig): Buffer {
  if (!config.backupEncryptionKey) {
    throw new BackupError(
      'BACKUP_ENCRYPTION_KEY is not set: backups are always encrypted. Make a key with ' +
        `node -e "console.log(crypto.randomBytes(32).toString('base64'))" and keep it apart from the backups`,
    );
  }
  return config.backupEncryptionKey;
}

/**
 * Writes a consistent, compressed, encrypted snapshot of the configured database to
 * `file` while servers keep running. Returns what the file's header records.
 */
export async function backup(
  config: BackupConfig,
  file: string,
): Promise<{ kind: BackupKind; keyId: string; bytes: number }> {
  const key = keyOf(config);
  const kind = dbKind(config);
  await mkdir(dirname(resolve(file)), { recursive: true });
  if (config.databaseUrl) await backupPostgres(config.databaseUrl, file, key);
  else await backupSqlite(sqlitePath(config), file, key);
  return { kind, keyId: keyIdOf(key), bytes: (await stat(file)).size };
}

/**
 * Restores `file` into the configured database, which must be empty unless `force`.
 * Servers on that database must be stopped. Checks the key and the database kind before
 * touching anything, and authenticates the whole file before applying any of it.
 */
export async function restore(
  config: BackupConfig,
  file: string,
  options: { force: boolean },
): Promise<{ kind: BackupKind }> {
  const key = keyOf(config);
  const { kind } = await readHeader(file, key);
  if (kind !== dbKind(config)) {
    throw new BackupError(
      `${file} is a ${kind} backup, but the configuration points to ${dbKind(config)}`,
    );
  }
  if (config.databaseUrl) await restorePostgres(file, config.databaseUrl, key, options.force);
  else await restoreSqlite(file, sqlitePath(config), key, options.force);
  return { kind };
}
