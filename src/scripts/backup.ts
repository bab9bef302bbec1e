import { backup } from '../infra/backup/index.js';
import { runCli } from './backup-cli.js';

/**
 * `npm run backup -- <file>`: a consistent, compressed, encrypted snapshot of the
 * configured database (DATABASE_URL, or the SQLite file in DATA_DIR), taken while the
 * servers run. Needs BACKUP_ENCRYPTION_KEY.
 */
await runCli('npm run backup -- <file>', [], async (config, file) => {
  const { kind, keyId, bytes } = await backup(config, file);
  return `Backed up the ${kind} database to ${file} (${bytes} bytes, key id ${keyId})`;
});
