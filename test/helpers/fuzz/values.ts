import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
} from 'graphql';
import type { Pool } from './pool.js';
import { datetimeText, floatValue, idFor, intValue, nastyString, stringFor } from './scalars.js';

/** An enum value: a bare name in a literal, a string in variables. */
export class EnumName {
  constructor(readonly name: string) {}
}

/** A literal token JSON cannot carry (`1e400` parses to Infinity); `null` in variables. */
export class RawToken {
  constructor(readonly text: string) {}
}

export type Value =
  null | boolean | number | string | EnumName | RawToken | Value[] | { [field: string]: Value };

/** `value` as GraphQL literal text. */
export function toLiteral(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof EnumName) return value.name;
  if (value instanceof RawToken) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toLiteral).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${k}: ${toLiteral(v)}`)
    .join(', ')}}`;
}

/** `value` as a JSON variable value. */
export function toJson(value: Value): unknown {
  if (value instanceof EnumName) return value.name;
  if (value instanceof RawToken) return null;
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

/** Anything at all, for a variable of the wrong type. */
export const wrongValue = (): fc.Arbitrary<Value> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Value>,
    nastyString(),
    intValue(),
    fc.boolean(),
    fc.constantFrom<Value>({}, [], [null], JSON.parse('{"__proto__": {"admin": true}}') as Value),
  );

export interface ValueOptions {
  pool: Pool;
  /** Nested fields: page sizes stay small so one case cannot take minutes. */
  nested: boolean;
}

/**
 * A value for an argument or input field of `type` named `name`: mostly of the right
 * type (sometimes null where it must not be, missing or extra input fields, huge lists).
 */
export function valueFor(
  type: GraphQLInputType,
  name: string,
  opts: ValueOptions,
  depth = 0,
): fc.Arbitrary<Value> {
  if (isNonNullType(type)) {
    return fc.oneof(
      { weight: 40, arbitrary: valueFor(type.ofType, name, opts, depth) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
  }
  const inner = innerValue(type, name, opts, depth);
  return fc.oneof({ weight: 8, arbitrary: inner }, { weight: 1, arbitrary: fc.constant(null) });
}

function innerValue(
  type: GraphQLInputType,
  name: string,
  opts: ValueOptions,
  depth: number,
): fc.Arbitrary<Value> {
  if (isListType(type)) {
    const item = valueFor(type.ofType, name, opts, depth + 1);
    return fc.oneof(
      { weight: 6, arbitrary: fc.array(item, { maxLength: 4 }) },
      { weight: 1, arbitrary: item },
      {
        weight: 1,
        // Past every list bound (500 events, 10 tags...), kept under the 1 MB body limit.
        arbitrary: fc
          .tuple(
            fc.array(item, { minLength: 1, maxLength: 2 }),
            fc.constantFrom(11, 101, 501, 2000),
          )
          .map(([xs, n]) =>
            JSON.stringify(toJson(xs)).length * (n / xs.length) < 400_000
              ? Array.from({ length: n }, (_, i) => xs[i % xs.length]!)
              : xs,
          ),
      },
    );
  }
  if (isEnumType(type)) {
    const names = type.getValues().map((v) => v.name);
    return fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...names).map((n) => new EnumName(n)) },
      { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => new EnumName(n.toLowerCase())) },
      { weight: 1, arbitrary: fc.constantFrom(...names) },
      { weight: 1, arbitrary: fc.constant(new EnumName('BOGUS')) },
    );
  }
  if (isInputObjectType(type)) return inputObject(type, opts, depth);
  switch (getNamedType(type).name) {
    case 'ID':
      return idFor(name, opts.pool);
    case 'String':
      return stringFor(name, opts.pool);
    case 'Int':
      return opts.nested
        ? fc.oneof(
            { weight: 9, arbitrary: fc.integer({ min: -1, max: 10 }) },
            { weight: 1, arbitrary: fc.constantFrom(100, 101, 2 ** 31) },
          )
        : intValue();
    case 'Float':
      return fc.oneof(
        { weight: 12, arbitrary: floatValue() },
        { weight: 1, arbitrary: fc.constantFrom(new RawToken('1e400'), new RawToken('-1e400')) },
      );
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return datetimeText();
    default:
      return nastyString();
  }
}

function inputObject(
  type: import('graphql').GraphQLInputObjectType,
  opts: ValueOptions,
  depth: number,
): fc.Arbitrary<Value> {
  const fields = Object.values(type.getFields());
  const parts = fields.map((f) =>
    fc.tuple(
      fc.constant(f.name),
      // Required fields are left out now and then; optional ones about half the time.
      fc.integer({ min: 0, max: 19 }).map((n) => (isNonNullType(f.type) ? n > 0 : n >= 9)),
      valueFor(f.type, f.name, opts, depth + 1),
    ),
  );
  return fc
    .tuple(
      fc.tuple(...parts),
      fc.oneof(
        { weight: 14, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('extra', 'id', '__proto__'), intValue()) },
      ),
    )
    .map(([entries, extra]) => {
      const obj: Record<string, Value> = {};
      for (const [k, keep, v] of entries) if (keep) obj[k] = v;
      // defineProperty: a plain assignment to `__proto__` would set the prototype instead.
      if (extra) Object.defineProperty(obj, extra[0], { value: extra[1], enumerable: true });
      return obj;
    });
}
