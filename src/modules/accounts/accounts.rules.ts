import { rule, type IRule } from 'graphql-shield';
import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';
import { forbidden } from '../../errors.js';
import type { Context } from '../../context.js';
import { Role, type User } from './user.entity.js';

/** Signed in as an admin: UNAUTHENTICATED without a viewer, FORBIDDEN for anyone else. */
export const isAdmin: IRule = rule({ cache: 'contextual' })((_p, _a, ctx: Context) =>
  ctx.viewer === null ? false : ctx.viewer.role === Role.ADMIN || forbidden('Admins only'),
);

const isSelfOrAdmin = rule({ cache: 'no_cache' })(
  (parent: User, _args, ctx: Context) =>
    ctx.viewer !== null && (ctx.viewer.id === parent.id || ctx.viewer.role === Role.ADMIN),
);

export const accountsRules: RuleMap = {
  Query: { me: allow, user: allow, userByHandle: allow },
  Mutation: { signUp: allow, logIn: allow, updateProfile: isSignedIn, setUserRole: isAdmin },
  User: { email: isSelfOrAdmin },
};
