import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badInput, CommonReason } from '../errors.js';

/** Scalars whose values are never strings: their arguments need no scan. */
const TEXT_FREE_SCALARS = new Set(['Int', 'Float', 'Boolean']);

// NUL (PostgreSQL cannot store it in text, and C-string code truncates at it) and UTF-16
// surrogates without their pair (not Unicode: encoders reject or mangle them). Written
// with escapes and without the `u` flag, so that it matches code units, not code points.
// eslint-disable-next-line no-control-regex
const MALFORMED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` holds a NUL or a lone surrogate. */
export function isMalformedText(text: string): boolean {
  return MALFORMED.test(text);
}

/**
 * Refuses, before the field's permission rule and resolver run, every field call whose
 * arguments hold a malformed string (see `isMalformedText`) anywhere: in an argument, an
 * input object's field, a list element, given as a literal or a variable. The error is
 * BAD_USER_INPUT (INVALID_TEXT) with `field` naming the path, e.g. `input.tags[2]`.
 *
 * Applied once to the served schema, after every other wrapper, so it covers HTTP and
 * graphql-ws alike: each field's `resolve`, and a Subscription field's `subscribe` (which
 * graphql-ws calls with the subscription's arguments). Only fields with an argument that can
 * carry a string are wrapped: lists resolving plain fields pay nothing. Mutates and returns
 * `schema`.
 */
export function refuseMalformedText(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((arg) => carriesText(arg.type))) guard(field);
    }
  }
  return schema;
}

function guard(field: GraphQLField<unknown, unknown>): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, ctx, info) => {
    refuseIn(args, field.args);
    return resolve(source, args, ctx, info);
  };
  const subscribe = field.subscribe;
  if (subscribe) {
    field.subscribe = (source, args, ctx, info) => {
      refuseIn(args, field.args);
      return subscribe(source, args, ctx, info);
    };
  }
}

function refuseIn(args: Record<string, unknown>, defined: readonly GraphQLArgument[]): void {
  for (const arg of defined) {
    const path = malformedPath(args[arg.name], arg.name);
    if (path) {
      throw badInput(
        path,
        'must not contain NUL characters or unpaired surrogates',
        CommonReason.INVALID_TEXT,
      );
    }
  }
}

/** The path of the first malformed string in `value` (coerced arguments), or null. */
function malformedPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return isMalformedText(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = malformedPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      const found = malformedPath(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  // Numbers, booleans, null, and what custom scalars parse to (a Date): no text.
  return null;
}

/** Input objects as graphql-js coerces them; scalar values such as a Date are not walked. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Whether a value of `type` can hold a string: String, ID, custom scalars, and inputs of them. */
function carriesText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return !TEXT_FREE_SCALARS.has(named.name);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => carriesText(f.type, seen));
}
