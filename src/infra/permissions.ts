import { GraphQLError, type GraphQLField, type GraphQLSchema, isObjectType } from 'graphql';
import { allow, and, rule, shield, type IRule } from 'graphql-shield';
import { applyMiddleware } from 'graphql-middleware';
import { isDatabaseUnavailable } from './db-unavailable.js';
import { AppError, ErrorCode, forbidden, toGraphQLError, unauthenticated } from '../errors.js';
import { isKeyAware, noKey } from './api-scopes.js';

export { allow };

/** Type name -> field name -> rule. Each feature contributes one in `<feature>.rules.ts`. */
export type Rule = IRule | typeof allow | ReturnType<typeof and>;
export type RuleMap = Record<string, Record<string, Rule>>;

/** A signed-in viewer; UNAUTHENTICATED otherwise. */
export const isSignedIn: IRule = rule({ cache: 'contextual' })(
  (_p, _a, ctx: { viewer: unknown }) => ctx.viewer !== null && ctx.viewer !== undefined,
);

const ROOTS = ['Query', 'Mutation', 'Subscription'] as const;

/** Root fields of `schema` that no rule covers; deny-by-default means this must be empty. */
export function uncoveredRootFields(schema: GraphQLSchema, rules: RuleMap): string[] {
  const missing: string[] = [];
  for (const root of ROOTS) {
    const type = schema.getType(root);
    if (!type || !isObjectType(type)) continue;
    for (const field of Object.keys(type.getFields())) {
      if (!rules[root]?.[field]) missing.push(`${root}.${field}`);
    }
  }
  return missing;
}

export function mergeRules(...maps: RuleMap[]): RuleMap {
  const merged: RuleMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      for (const [field, r] of Object.entries(fields)) {
        if (merged[type]?.[field]) throw new Error(`Two rules for ${type}.${field}`);
        (merged[type] ??= {})[field] = r;
      }
    }
  }
  return merged;
}

/**
 * Applies graphql-shield with only the fields that have a rule (no fallbackRule, so the
 * other fields keep their plain resolvers and big lists pay nothing), after checking that
 * every root field has one. A rule that says no becomes UNAUTHENTICATED when nobody is
 * signed in and FORBIDDEN otherwise; errors the resolvers throw on purpose (AppError,
 * GraphQLError) pass through; anything else goes to `onUnexpected` and reaches the client
 * as INTERNAL_SERVER_ERROR.
 */
export function protect(
  schema: GraphQLSchema,
  rules: RuleMap,
  onUnexpected: (error: unknown) => void,
): GraphQLSchema {
  const missing = uncoveredRootFields(schema, rules);
  if (missing.length) {
    throw new Error(`Deny by default: no permission rule for ${missing.join(', ')}`);
  }
  // Keys are refused by every root field whose rule names no scope (deny by default).
  const gated: RuleMap = {};
  for (const [type, fields] of Object.entries(rules)) {
    const root = (ROOTS as readonly string[]).includes(type);
    gated[type] = Object.fromEntries(
      Object.entries(fields).map(([f, r]) => [
        f,
        root && !isKeyAware(r) ? and(noKey, r as IRule) : r,
      ]),
    );
  }
  const permissions = shield(gated as Parameters<typeof shield>[0], {
    allowExternalErrors: false,
    fallbackError: (thrown, _parent, _args, ctx) => {
      if (thrown === null || thrown === undefined) {
        const viewer = (ctx as unknown as { viewer: unknown }).viewer;
        return toGraphQLError(viewer ? forbidden() : unauthenticated());
      }
      if (thrown instanceof AppError) return toGraphQLError(thrown);
      if (thrown instanceof GraphQLError) return thrown;
      // Answered SERVICE_UNAVAILABLE by the error formatters, and logged there as a warning.
      if (!isDatabaseUnavailable(thrown)) onUnexpected(thrown);
      return new GraphQLError('Internal server error', {
        extensions: { code: ErrorCode.Internal },
        originalError: thrown instanceof Error ? thrown : undefined,
      });
    },
  });
  // graphql-shield generates a middleware for every field of every type (the fallback rule
  // where none is given), and each wrapper costs time on big lists. Keep only the fields that
  // have a rule; the rest resolve exactly as type-graphql built them.
  const generated = permissions.generate(schema) as Record<string, Record<string, unknown>>;
  const onlyRuled: Record<string, Record<string, unknown>> = {};
  for (const [type, fields] of Object.entries(gated)) {
    for (const field of Object.keys(fields)) {
      const wrapper = generated[type]?.[field];
      if (!wrapper) throw new Error(`Permission rule for unknown field ${type}.${field}`);
      (onlyRuled[type] ??= {})[field] = wrapper;
    }
  }
  const protectedSchema = applyMiddleware(
    schema,
    onlyRuled as Parameters<typeof applyMiddleware>[1],
  );
  // graphql-middleware wraps a Subscription field's `resolve`, which runs per event: the rule
  // would first be asked after the client had subscribed. Ask it before subscribing too.
  const subscriptions = protectedSchema.getSubscriptionType()?.getFields() ?? {};
  for (const [name, field] of Object.entries(subscriptions)) {
    // graphql-shield generates a function, or `{ fragment, resolve }` for some rules.
    const generatedRule = generated.Subscription?.[name] as
      SubscribeMiddleware | { resolve: SubscribeMiddleware } | undefined;
    const check = typeof generatedRule === 'function' ? generatedRule : generatedRule?.resolve;
    const subscribe = field.subscribe;
    if (!check || !subscribe) continue;
    field.subscribe = (parent, args, ctx, info) => check(subscribe, parent, args, ctx, info);
  }
  ruledOf.set(
    protectedSchema,
    new Set(
      Object.entries(rules).flatMap(([type, fields]) =>
        Object.keys(fields).map((f) => `${type}.${f}`),
      ),
    ),
  );
  return protectedSchema;
}

const ruledOf = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/** `Type.field` of every field of a schema made by `protect` that has a rule. */
export function ruledFields(schema: GraphQLSchema): ReadonlySet<string> {
  return ruledOf.get(schema) ?? new Set();
}

type Subscribe = NonNullable<GraphQLField<unknown, unknown>['subscribe']>;
type SubscribeMiddleware = (
  next: Subscribe,
  ...args: Parameters<Subscribe>
) => ReturnType<Subscribe>;
