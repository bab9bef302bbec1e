import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Whether the fields of an ISO match name a real instant. `Date` would roll 2026-02-30 over
 * to March 2 and 24:00 to the next day; a client that sends either has a bug to hear about.
 */
function isRealDateTime(match: RegExpExecArray): boolean {
  // Absent seconds and offset (Z) read as 0.
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match
    .slice(1, 9)
    .map((part) => Number(part ?? 0));
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59
  );
}

function parse(value: unknown, node?: ValueNode): Date {
  const match = typeof value === 'string' ? ISO.exec(value) : null;
  if (match && isRealDateTime(match)) {
    const date = new Date(value as string);
    if (!Number.isNaN(date.getTime())) return date;
  }
  // `nodes` gives a literal's error its location in the document.
  throw new GraphQLError(
    `DateTime must be an ISO-8601 date-time with a time zone, e.g. 2026-11-27T18:00:00.000Z`,
    { nodes: node, extensions: { code: 'BAD_USER_INPUT' } },
  );
}

/** The contract's `DateTime`: ISO-8601 in UTC out; any ISO-8601 with an offset in. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 date-time in UTC, e.g. 2026-11-27T18:00:00.000Z.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string | number);
    if (Number.isNaN(date.getTime()))
      throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: (value) => parse(value),
  parseLiteral(ast) {
    return parse(ast.kind === Kind.STRING ? ast.value : undefined, ast);
  },
});
