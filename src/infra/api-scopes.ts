import { and, rule, type IRule } from 'graphql-shield';
import { registerEnumType } from 'type-graphql';
import { AppError, ErrorCode } from '../errors.js';
import type { Rule } from './permissions.js';

/**
 * What an API key may do. Every root field's rule says which scope a key needs
 * (`scoped(scope, rule)`), beside its user rule, or that any key may call it (`anyKey`);
 * a root field that says neither refuses keys (deny by default, applied by `protect`).
 */
export enum ApiScope {
  CONTENT_READ = 'CONTENT_READ',
  CONTENT_WRITE = 'CONTENT_WRITE',
  METRICS_READ = 'METRICS_READ',
  ADS_MANAGE = 'ADS_MANAGE',
}
registerEnumType(ApiScope, {
  name: 'ApiScope',
  valuesConfig: {
    CONTENT_READ: { description: 'Read published content, users and comments.' },
    CONTENT_WRITE: {
      description: "Create, edit, publish and delete the organisation's own content.",
    },
    METRICS_READ: { description: "Live and historical metrics of the organisation's own content." },
    ADS_MANAGE: { description: "The organisation's ad campaigns." },
  },
});

/** `extensions.reason` of a refusal to a key. */
export enum KeyReason {
  MISSING_SCOPE = 'MISSING_SCOPE',
  NOT_FOR_API_KEYS = 'NOT_FOR_API_KEYS',
}

type KeyContext = { apiKey?: { scopes: readonly string[] } | null };

const keyAware = new WeakSet<object>();

/** One rule per scope (graphql-shield wants one instance per rule name). */
const needs = Object.fromEntries(
  Object.values(ApiScope).map((scope) => [
    scope,
    rule(`scope:${scope}`, { cache: 'contextual' })((_p, _a, ctx: KeyContext) => {
      if (!ctx.apiKey || ctx.apiKey.scopes.includes(scope)) return true;
      return new AppError(
        ErrorCode.Forbidden,
        `This API key lacks the ${scope} scope`,
        { missingScope: scope },
        KeyReason.MISSING_SCOPE,
      );
    }),
  ]),
) as unknown as Record<ApiScope, IRule>;

/** A root field keys may call with `scope`; `user` is the rule for everyone (people too). */
export function scoped(scope: ApiScope, user: Rule): Rule {
  const r = and(needs[scope], user as IRule);
  keyAware.add(r);
  return r;
}

/** A root field any key may call, whatever its scopes (`me`, `currentOrganization`). */
export function anyKey(user: Rule): Rule {
  const r = and(user as IRule);
  keyAware.add(r);
  return r;
}

/** Refuses keys: what a root field's rule becomes when it declares no scope. */
export const noKey: IRule = rule('noKey', { cache: 'contextual' })((_p, _a, ctx: KeyContext) =>
  ctx.apiKey
    ? new AppError(
        ErrorCode.Forbidden,
        'API keys may not call this field: sign in as a person',
        {},
        KeyReason.NOT_FOR_API_KEYS,
      )
    : true,
);

export const isKeyAware = (r: Rule): boolean => keyAware.has(r as object);
