import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Kind,
  buildSchema,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  parse,
  print,
  typeFromAST,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The committed schema (a contract test keeps it equal to the served one). */
export function committedSchema(): GraphQLSchema {
  return buildSchema(readFileSync(join(ROOT, 'schema', 'schema.graphql'), 'utf8'));
}

/** One operation of schema/operations as the SDK sends it: with the fragments it uses. */
export interface SentOperation {
  name: string;
  kind: OperationDefinitionNode['operation'];
  query: string;
  /** Every variable filled, page sizes (`first`, `last`) at the largest a list serves. */
  variables: Record<string, unknown>;
}

/** Every operation of schema/operations/*.graphql, with sample variables of the right types. */
export function sentOperations(schema: GraphQLSchema, pageSize: number): SentOperation[] {
  const dir = join(ROOT, 'schema', 'operations');
  const definitions: DefinitionNode[] = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .flatMap((f) => parse(readFileSync(join(dir, f), 'utf8')).definitions);
  const fragments = new Map(
    definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => {
      const used = new Set<string>();
      const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [op];
      while (pending.length) {
        visit(pending.pop()!, {
          FragmentSpread(node) {
            if (used.has(node.name.value)) return;
            used.add(node.name.value);
            pending.push(fragments.get(node.name.value)!);
          },
        });
      }
      const document = {
        kind: Kind.DOCUMENT,
        definitions: [op, ...[...used].map((n) => fragments.get(n)!)],
      } as const;
      const variables = Object.fromEntries(
        (op.variableDefinitions ?? []).map((v) => {
          const type = typeFromAST(schema, v.type) as GraphQLInputType;
          return [v.variable.name.value, sample(type, v.variable.name.value, pageSize)];
        }),
      );
      return { name: op.name!.value, kind: op.operation, query: print(document), variables };
    });
}

function sample(type: GraphQLInputType, name: string, pageSize: number): unknown {
  const t = getNullableType(type);
  if (isListType(t)) return [sample(t.ofType, name, pageSize)];
  if (isEnumType(t)) return t.getValues()[0]!.value;
  if (isInputObjectType(t)) {
    const fields = Object.values(t.getFields());
    return Object.fromEntries(fields.map((f) => [f.name, sample(f.type, f.name, pageSize)]));
  }
  switch (t.name) {
    case 'Int':
      return name === 'first' || name === 'last' ? pageSize : 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return new Date().toISOString();
    case 'ID':
      return '00000000-0000-4000-8000-000000000000';
    default:
      return 'x';
  }
}
