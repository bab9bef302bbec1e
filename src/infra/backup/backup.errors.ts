/**
 * A backup or restore that cannot go on, with a message for the operator (never a secret).
 * The scripts print it and exit with status 1.
 */
export class BackupError extends Error {
  override name = 'BackupError';
}
