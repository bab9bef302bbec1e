import fc from 'fast-check';
import {
  getNamedType,
  isLeafType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Pool } from './pool.js';
import { toJson, toLiteral, valueFor, wrongValue, type Value } from './values.js';

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** One generated GraphQL request. */
export interface Operation {
  kind: OperationKind;
  /** The root field, to classify findings. */
  root: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** How one argument is passed. */
type Mode = 'omit' | 'literal' | 'variable' | 'wrongValue' | 'wrongDeclaration' | 'unset';
// Mostly well-formed, so that most cases get past validation into the resolvers.
const MODES = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Mode>('literal') },
  { weight: 5, arbitrary: fc.constant<Mode>('variable') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Mode>('wrongValue', 'wrongDeclaration', 'unset', 'omit'),
  },
);
const MAX_DEPTH = 3;

/** Operations on the root fields of `kinds`, with selections to depth 3 and generated arguments. */
export function operations(
  schema: GraphQLSchema,
  pool: Pool,
  kinds: OperationKind[],
): fc.Arbitrary<Operation> {
  const roots = kinds.flatMap((kind) => {
    const type =
      kind === 'query'
        ? schema.getQueryType()
        : kind === 'mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    return Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field }));
  });
  return fc
    .constantFrom(...roots)
    .chain(({ kind, field }) =>
      fc
        .tuple(
          fc.tuple(...field.args.map((a) => argument(a, pool))),
          selection(getNamedType(field.type), pool, 1),
          fc.constantFrom(1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 20),
          fc.constantFrom<string | undefined>(
            ...Array<undefined>(12).fill(undefined),
            'Fuzz',
            'Fuzz',
            'Other',
          ),
        )
        .map(([args, sel, copies, operationName]) =>
          assemble(kind, field, args, sel, copies, operationName),
        ),
    );
}

interface Arg {
  arg: GraphQLArgument;
  mode: Mode;
  value: Value;
}

function argument(arg: GraphQLArgument, pool: Pool): fc.Arbitrary<Arg> {
  return fc
    .tuple(MODES, valueFor(arg.type, arg.name, { pool, nested: false }), wrongValue())
    .map(([mode, value, wrong]) => ({ arg, mode, value: mode === 'wrongValue' ? wrong : value }));
}

function assemble(
  kind: OperationKind,
  field: GraphQLField<unknown, unknown>,
  args: Arg[],
  sel: string,
  copies: number,
  operationName: string | undefined,
): Operation {
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const passed: string[] = [];
  args.forEach(({ arg, mode, value }, i) => {
    if (mode === 'omit') return;
    if (mode === 'literal') {
      passed.push(`${arg.name}: ${toLiteral(value)}`);
      return;
    }
    const name = `v${i}`;
    const declared =
      mode === 'wrongDeclaration'
        ? String(arg.type).startsWith('Int')
          ? 'String'
          : 'Int'
        : String(arg.type);
    definitions.push(`$${name}: ${declared}`);
    if (mode !== 'unset') variables[name] = toJson(value);
    passed.push(`${arg.name}: $${name}`);
  });
  const call = `${field.name}${passed.length ? `(${passed.join(', ')})` : ''}${sel}`;
  const body = Array.from({ length: copies }, (_, i) => (copies > 1 ? `a${i}: ${call}` : call));
  const header = `${kind}${operationName === 'Fuzz' ? ' Fuzz' : ''}${definitions.length ? `(${definitions.join(', ')})` : ''}`;
  return {
    kind,
    root: field.name,
    query: `${header} { ${body.join(' ')} }`,
    ...(Object.keys(variables).length ? { variables } : {}),
    ...(operationName ? { operationName } : {}),
  };
}

/** A selection set of `type` (empty for a leaf), nested up to MAX_DEPTH object levels. */
function selection(type: GraphQLNamedType, pool: Pool, depth: number): fc.Arbitrary<string> {
  if (isLeafType(type)) return fc.constant('');
  if (isUnionType(type)) {
    const members = type.getTypes();
    return fc
      .tuple(...members.map((m) => selection(m, pool, depth)))
      .map(
        (parts) =>
          ` { __typename ${parts.map((p, i) => `... on ${members[i]!.name}${p}`).join(' ')} }`,
      );
  }
  if (!isObjectType(type)) return fc.constant(' { __typename }');
  const fields = Object.values(type.getFields()).filter(
    (f) => depth < MAX_DEPTH || isLeafType(getNamedType(f.type)),
  );
  return fc
    .subarray(fields, { minLength: 1, maxLength: Math.min(4, fields.length) })
    .chain((picked) => fc.tuple(...picked.map((f) => nestedField(f, pool, depth))))
    .map((parts) => ` { ${parts.join(' ')} }`);
}

function nestedField(
  field: GraphQLField<unknown, unknown>,
  pool: Pool,
  depth: number,
): fc.Arbitrary<string> {
  const args = field.args.map((a) =>
    fc
      .option(valueFor(a.type, a.name, { pool, nested: true }), { freq: 2 })
      .map((v) => (v === null ? '' : `${a.name}: ${toLiteral(v)}`)),
  );
  return fc
    .tuple(fc.tuple(...args), selection(getNamedType(field.type), pool, depth + 1))
    .map(([passed, sel]) => {
      const list = passed.filter(Boolean);
      return `${field.name}${list.length ? `(${list.join(', ')})` : ''}${sel}`;
    });
}
