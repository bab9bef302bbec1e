import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  getOperationAST,
  isInputObjectType,
  isListType,
  typeFromAST,
  type OperationDefinitionNode,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { createComplexityRule } from 'graphql-query-complexity';
import type { Config } from '../config.js';
import { ErrorCode, LimitReason } from '../errors.js';
import { pageCostEstimator } from './query-cost.js';

/** What one operation may ask for (`src/config.ts`: QUERY_MAX_*, GRAPHQL_INTROSPECTION). */
export type QueryLimitSettings = Config['queryLimits'];

/** A request as both transports receive it. */
export interface QueryRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The variables as the cost needs them: a list of input objects (trackEvents' 100 events)
 * stands as an empty list. The cost reads only page arguments (`first`, `last`: Int, never
 * inside an input object), and coercing such a list for it would cost as much as coercing it
 * for execution.
 */
function forCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type);
    if (!type || !Array.isArray(variables[name])) continue;
    const nullable = getNullableType(type);
    if (isListType(nullable) && isInputObjectType(getNamedType(nullable))) {
      out ??= { ...variables };
      out[name] = [];
    }
  }
  return out ?? variables;
}

/** A refusal: BAD_USER_INPUT, the limit's reason, and the limit in the message. */
export function limitError(reason: LimitReason, message: string, limit: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BadUserInput, reason, limit },
  });
}

/** Documents `check` keeps validated, and the longest text it keeps (so at most ~8 MiB). */
const VALIDATED_ENTRIES = 500;
const VALIDATED_MAX_CHARS = 16 * 1024;

/**
 * The query limits of one process, shared by HTTP (Apollo) and graphql-ws so that the two
 * cannot drift: the token limit applies while parsing (graphql-js `maxTokens`), depth,
 * aliases, directives (graphql-armor) and introspection while validating, and the cost
 * (graphql-query-complexity) once the variables are known, all before execution.
 */
export class QueryLimits {
  readonly parseOptions: { maxTokens: number };
  /**
   * Documents that passed parsing and validation, by text (`check`): a thousand clients
   * subscribing with the SDK's document are parsed and validated once. The cost, which
   * reads the variables, is still checked per request.
   */
  private readonly validated = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();
  /** Validation rules besides graphql-js's own, in the order they report. */
  readonly rules: readonly ValidationRule[];

  constructor(readonly settings: QueryLimitSettings) {
    this.parseOptions = { maxTokens: settings.maxTokens };
    const refuse =
      (reason: LimitReason, limit: number) => (ctx: ValidationContext | null, e: GraphQLError) => {
        ctx?.reportError(limitError(reason, e.message.replace(/^Syntax Error: /, ''), limit));
      };
    // Reported, not thrown (propagateOnRejection): the token limit already bounds the work
    // of the remaining rules, and a thrown error would escape Apollo's validation step.
    const armor = (reason: LimitReason, n: number) => ({
      n,
      propagateOnRejection: false,
      onReject: [refuse(reason, n)],
    });
    this.rules = [
      ...(settings.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
      maxDepthRule({
        ...armor(LimitReason.QUERY_TOO_DEEP, settings.maxDepth),
        flattenFragments: true,
      }),
      maxAliasesRule(armor(LimitReason.TOO_MANY_ALIASES, settings.maxAliases)),
      maxDirectivesRule(armor(LimitReason.TOO_MANY_DIRECTIVES, settings.maxDirectives)),
    ];
  }

  /** The token-limit refusal for a syntax error graphql-js raised at `maxTokens`, if it is one. */
  tokenError(error: unknown): GraphQLError | undefined {
    // graphql-js 16 spells it "more that N tokens"; a later release may correct it.
    const tooMany = new RegExp(
      `^Syntax Error: Document contains more tha[nt] ${this.settings.maxTokens} tokens\\.`,
    );
    if (!(error instanceof GraphQLError) || !tooMany.test(error.message)) return undefined;
    return limitError(
      LimitReason.TOO_MANY_TOKENS,
      `Query token limit of ${this.settings.maxTokens} exceeded.`,
      this.settings.maxTokens,
    );
  }

  /**
   * The cost refusal, if the operation costs more than `maxCost` with these variables.
   * Variables that do not fit the operation are left to execution, which reports them.
   */
  costError(schema: GraphQLSchema, document: DocumentNode, request: QueryRequest) {
    const { maxCost } = this.settings;
    // No such operation: execution refuses it (and graphql-query-complexity would crash on
    // an unnamed operation when a name is asked for).
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (!operation) return undefined;
    const rule = createComplexityRule({
      maximumComplexity: maxCost,
      variables: forCost(schema, operation, request.variables ?? {}),
      operationName: request.operationName ?? undefined,
      estimators: [pageCostEstimator],
      createError: (max, actual) =>
        limitError(
          LimitReason.QUERY_TOO_COSTLY,
          `Query cost limit of ${max} exceeded, estimated ${actual}.`,
          max,
        ),
    });
    try {
      return validate(schema, document, [rule]).find(isCostRefusal);
    } catch (e) {
      // graphql-query-complexity throws when fragments multiply past 10 000 evaluated nodes.
      if (e instanceof GraphQLError && e.message.includes('maximum allowed number of nodes')) {
        return limitError(
          LimitReason.QUERY_TOO_COSTLY,
          `Query cost limit of ${maxCost} exceeded.`,
          maxCost,
        );
      }
      throw e;
    }
  }

  /**
   * Parses and validates `request` as Apollo does, with the same limits: the document, or the
   * errors to send instead of executing it (graphql-ws's `onSubscribe`).
   */
  check(
    schema: GraphQLSchema,
    request: QueryRequest,
  ): { document: DocumentNode } | { errors: GraphQLError[] } {
    let valid = this.validated.get(schema);
    if (!valid) this.validated.set(schema, (valid = new Map()));
    let document = valid.get(request.query);
    if (document) {
      // Most recently used last: the oldest entry goes first.
      valid.delete(request.query);
      valid.set(request.query, document);
    } else {
      try {
        document = parse(request.query, this.parseOptions);
      } catch (e) {
        if (e instanceof GraphQLError) return { errors: [this.tokenError(e) ?? e] };
        throw e;
      }
      const errors = validate(schema, document, [...specifiedRules, ...this.rules]);
      if (errors.length) return { errors: [...errors] };
      if (request.query.length <= VALIDATED_MAX_CHARS) {
        valid.set(request.query, document);
        if (valid.size > VALIDATED_ENTRIES) valid.delete(valid.keys().next().value!);
      }
    }
    const costly = this.costError(schema, document, request);
    return costly ? { errors: [costly] } : { document };
  }

  /**
   * The same limits inside Apollo's pipeline: `parseOptions` and `rules` go into the
   * ApolloServer config, and this plugin labels the token refusal and checks the cost.
   */
  apolloPlugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => ({
        parsingDidStart: async () => async (error) => {
          const refusal = this.tokenError(error);
          // Apollo wraps this error, keeping its extensions and relabelling its code as a parse
          // failure; toClientError gives a limit refusal BAD_USER_INPUT back.
          if (refusal && error instanceof GraphQLError) {
            error.message = refusal.message;
            Object.assign(error.extensions, refusal.extensions);
          }
        },
        didResolveOperation: async ({ schema, document, request }) => {
          const costly = this.costError(schema, document, {
            query: request.query ?? '',
            operationName: request.operationName,
            variables: request.variables,
          });
          if (costly) {
            throw new GraphQLError(costly.message, {
              extensions: { ...costly.extensions, http: { status: 400 } },
            });
          }
        },
      }),
    };
  }
}

function isCostRefusal(e: GraphQLError): boolean {
  return e.extensions.reason === LimitReason.QUERY_TOO_COSTLY;
}
