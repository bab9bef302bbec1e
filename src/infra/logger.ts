import { pino, type DestinationStream, type Logger } from 'pino';
import { serializeError } from './log-errors.js';

export type { Logger };

/**
 * JSON logs on stdout (or `destination`); secrets and credentials are redacted wherever they
 * appear, and errors of the database driver are logged without the statement's values.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.token', 'variables.input.password'],
      censor: '[redacted]',
    },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
