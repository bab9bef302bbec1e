import { getNamedType, getNullableType, isLeafType, isListType, isObjectType } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from './pagination.js';

/** The arguments that size a page; the largest any list serves is MAX_PAGE_SIZE. */
const PAGE_ARGS: readonly string[] = ['first', 'last'];

/**
 * A list's cost is its size times (1 + its items' cost); an object costs 1 plus its fields,
 * a scalar (or a list of scalars) nothing beyond its parent. The size is the page argument
 * (`first`/`last`, its schema default when omitted, capped as the resolvers cap it), 1 for a
 * connection's `edges` (the connection's page already counted them), and MAX_PAGE_SIZE for an
 * unpaged list (members, media, reactions: bounded by input rules, not by the query).
 * Introspection's lists count once: the schema bounds them, and graphql-js's own
 * MaxIntrospectionDepthRule bounds their nesting.
 */
export const pageCostEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const list = isListType(getNullableType(field.type));
  if (isLeafType(getNamedType(field.type))) return list ? 1 : 0;
  const pageArg = field.args.find((a) => PAGE_ARGS.includes(a.name));
  let size = 1;
  if (pageArg) {
    const given: unknown = args[pageArg.name] ?? pageArg.defaultValue;
    size = typeof given === 'number' ? Math.min(Math.max(given, 0), MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
  } else if (list && !type.name.startsWith('__')) {
    const inConnection = isObjectType(type) && 'pageInfo' in type.getFields();
    size = inConnection ? 1 : MAX_PAGE_SIZE;
  }
  return size * (1 + childComplexity);
};
