import { rule, type IRule } from 'graphql-shield';
import { anyKey, ApiScope, scoped } from '../../infra/api-scopes.js';
import { AccountsReason } from './accounts.errors.js';
import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';
import { forbidden } from '../../errors.js';
import type { Context } from '../../context.js';
import type { User } from './user.entity.js';
import { canSeeEmail, isAdminUser } from './accounts.policy.js';

/** Signed in as an admin: UNAUTHENTICATED without a viewer, FORBIDDEN for anyone else. */
export const isAdmin: IRule = rule({ cache: 'contextual' })((_p, _a, ctx: Context) =>
  ctx.viewer === null
    ? false
    : isAdminUser(ctx.viewer) || forbidden('Admins only', AccountsReason.ADMINS_ONLY),
);

const mayReadEmail = rule({ cache: 'no_cache' })((parent: User, _args, ctx: Context) =>
  canSeeEmail(ctx.viewer, parent.id),
);

export const accountsRules: RuleMap = {
  Query: {
    me: anyKey(allow),
    user: scoped(ApiScope.CONTENT_READ, allow),
    userByHandle: scoped(ApiScope.CONTENT_READ, allow),
  },
  Mutation: { signUp: allow, logIn: allow, updateProfile: isSignedIn, setUserRole: isAdmin },
  User: { email: mayReadEmail },
};
