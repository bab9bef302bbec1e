import { pino, type DestinationStream, type Logger } from 'pino';
import { serializeError } from './log-errors.js';

export type { Logger };

/** `json`: one JSON object a line (production, tests, log collectors); `pretty`: for people. */
export type LogFormat = 'json' | 'pretty';

/** pino-pretty's stream factory; the module is a dev dependency, absent from a production install. */
type PrettyFactory = (options: {
  destination?: DestinationStream;
  sync?: boolean;
  translateTime?: string;
  ignore?: string;
}) => DestinationStream;
export type PrettyLoader = () => Promise<PrettyFactory>;

const loadPretty: PrettyLoader = async () => (await import('pino-pretty')).default;

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

/**
 * The logger of a process (the server's entry point, the scripts): `createLogger`, with
 * pino-pretty in front when `format` is `pretty`. pino-pretty is loaded on demand, so an
 * install without dev dependencies still starts: it logs JSON, and says why once. Pretty
 * output is written synchronously, so the last lines before `process.exit` are not lost and
 * they interleave with `console.log` in order (development only: it costs throughput).
 */
export async function createProcessLogger(
  level: string,
  format: LogFormat,
  options: { destination?: DestinationStream; load?: PrettyLoader } = {},
): Promise<Logger> {
  if (format === 'json') return createLogger(level, options.destination);
  let pretty: PrettyFactory;
  try {
    pretty = await (options.load ?? loadPretty)();
  } catch (err) {
    const logger = createLogger(level, options.destination);
    logger.warn(
      { err },
      'pretty logs need pino-pretty (a dev dependency), which is not installed: logging JSON',
    );
    return logger;
  }
  return createLogger(
    level,
    pretty({
      destination: options.destination,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    }),
  );
}
