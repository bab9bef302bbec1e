import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets and credentials are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.token', 'variables.input.password'],
      censor: '[redacted]',
    },
  });
}
