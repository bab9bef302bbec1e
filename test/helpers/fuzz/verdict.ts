import type { GraphQLFormattedError } from 'graphql';

/** Codes that describe the request: every refusal must carry one of these. */
export const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Close codes a server may use on a client that broke the protocol (4400-class, the
 * WebSocket ones for bad frames, too big or wrong encoding); 1006 (no close frame, the
 * process died or the socket was destroyed), 1011 and 4500 are internal failures.
 */
const CLIENT_CLOSE_CODES = new Set([1000, 1001, 1002, 1003, 1005, 1007, 1008, 1009, 1013]);
export const isClientCloseCode = (code: number) =>
  CLIENT_CLOSE_CODES.has(code) || (code >= 4400 && code < 4500);

/** One reason a response is a failure, as a class key (what failed, how). */
export type Problem = string;

/** What is wrong with the GraphQL errors of one result: an unknown or internal code. */
export function errorProblems(errors: readonly GraphQLFormattedError[] | undefined): Problem[] {
  return (errors ?? []).flatMap((e) => {
    const code = e.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) return [];
    return [`${String(code ?? 'no code')}: ${normalize(e.message)}`];
  });
}

/** A message with its values taken out, so one bug with many inputs is one class. */
export function normalize(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '<s>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\b[A-Z]\w*\.\w+\b/g, '<Type.field>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .slice(0, 120);
}

const MAX_SHOWN = 2048;

/** At most ~2 KB of `value`, JSON-encoded unless it is text already. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length <= MAX_SHOWN
    ? text
    : `${text.slice(0, MAX_SHOWN)}… (${text.length} characters in all)`;
}

interface Example {
  count: number;
  /** Root fields (or other places) where this class was seen. */
  where: Set<string>;
  request: string;
  response: string;
}

/**
 * Failures of a fuzz run by class, each with its shortest request: the run goes on after a
 * failure, so one run lists every distinct bug instead of stopping at the first.
 */
export class Findings {
  private readonly classes = new Map<string, Example>();
  private readonly outcomes = new Map<string, number>();

  /** Counts what a case got (a status, a code, data), to show what the run reached. */
  saw(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  private readonly slowest: { ms: number; what: string }[] = [];

  /** Keeps the slowest cases, to show where a run spends its time (never asserted). */
  took(ms: number, what: string): void {
    this.slowest.push({ ms, what: what.slice(0, 160) });
    this.slowest.sort((a, b) => b.ms - a.ms).splice(5);
  }

  /** The outcomes seen, most frequent first: how many cases got past validation, and so on. */
  summary(): string {
    return [...this.outcomes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}: ${n}`)
      .concat(this.slowest.map((s) => `\n#   ${Math.round(s.ms)} ms: ${s.what}`))
      .join(', ');
  }

  constructor(private readonly seed: number) {}

  /** Records a failure of class `kind | problem` seen at `where` (a root field, a socket). */
  add(kind: string, where: string, problem: Problem, request: unknown, response: unknown): void {
    const key = `${kind} | ${problem}`;
    const req = shown(request);
    const known = this.classes.get(key);
    const count = (known?.count ?? 0) + 1;
    const places = known?.where ?? new Set<string>();
    places.add(where);
    if (known && req.length >= known.request.length) {
      known.count = count;
      return;
    }
    this.classes.set(key, { count, where: places, request: req, response: shown(response) });
  }

  get size(): number {
    return this.classes.size;
  }

  /** Every class with its count and shortest request, for the assertion message. */
  report(): string {
    const lines = [`${this.classes.size} failure class(es); replay with FUZZ_SEED=${this.seed}`];
    for (const [key, e] of this.classes) {
      lines.push(
        `\n● ${key}  (×${e.count} at ${[...e.where].join(', ')})`,
        `  request:  ${e.request}`,
        `  response: ${e.response}`,
      );
    }
    return lines.join('\n');
  }
}
