import { ConfigError, loadConfig, type Config } from '../config.js';
import { BackupError } from '../infra/backup/index.js';

/**
 * Runs a backup script: parses its arguments (`usage` on a mistake, exit 2), loads the
 * configuration, and turns a refusal into its message and exit 1. Messages never carry a
 * secret; unexpected errors print their message without a stack.
 */
export async function runCli(
  usage: string,
  flags: readonly string[],
  main: (config: Config, file: string, flags: Set<string>) => Promise<string>,
): Promise<void> {
  const args = process.argv.slice(2);
  const given = new Set(args.filter((a) => a.startsWith('--')));
  const files = args.filter((a) => !a.startsWith('--'));
  const unknown = [...given].filter((f) => !flags.includes(f));
  if (files.length !== 1 || unknown.length) {
    console.error(`usage: ${usage}`);
    process.exitCode = 2;
    return;
  }
  try {
    console.log(await main(loadConfig(), files[0]!, given));
  } catch (err) {
    const known = err instanceof BackupError || err instanceof ConfigError;
    console.error(known ? (err as Error).message : `failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
