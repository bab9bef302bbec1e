import { restore } from '../infra/backup/index.js';
import { runCli } from './backup-cli.js';

/**
 * `npm run restore -- <file> [--force]`: brings a backup back into the configured database,
 * which must be empty (`--force` replaces what is there). Stop every server on that
 * database first. Needs the BACKUP_ENCRYPTION_KEY that made the backup.
 */
await runCli('npm run restore -- <file> [--force]', ['--force'], async (config, file, flags) => {
  const { kind } = await restore(config, file, { force: flags.has('--force') });
  return `Restored ${file} into the ${kind} database`;
});
