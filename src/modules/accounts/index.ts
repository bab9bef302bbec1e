import { defineFeature } from '../../feature.js';
import { AccountsResolver } from './accounts.resolver.js';
import { accountsRules } from './accounts.rules.js';
import { AccountsService } from './accounts.service.js';
import { TokenService } from './token.service.js';
import { User } from './user.entity.js';

export { User, Role } from './user.entity.js';
export { AccountsService, type Actor, type SignedInActor } from './accounts.service.js';
export { findRoles, findUser, findUserRows, findUsers, getUser, isId } from './user.lookup.js';
export { TokenService } from './token.service.js';
export { HANDLE } from './accounts.validation.js';
export { isAdmin } from './accounts.rules.js';
export { isStaff, isAdminUser, canSeeEmail, type ViewerLike } from './accounts.policy.js';
export { mergeUserSnapshot, userSnapshot, type UserSnapshot } from './user.snapshot.js';

export interface AccountsPublic {
  accounts: AccountsService;
  tokens: TokenService;
}

/** Accounts: sign-up and sign-in, tokens, profiles and roles. */
export const accounts = defineFeature<AccountsPublic>({
  name: 'accounts',
  resolvers: [AccountsResolver],
  rules: accountsRules,
  entities: [User],
  create({ config, limiter, logger, fork }) {
    const tokens = new TokenService(config.jwtSecret, config.jwtTtlSeconds);
    const service = new AccountsService({
      tokens,
      limiter,
      adminEmails: config.adminEmails,
      loginRateLimit: config.loginRateLimit,
      loginRateWindowSeconds: config.loginRateWindowSeconds,
      signUpRateLimit: config.signUpRateLimit,
      signUpRateWindowSeconds: config.signUpRateWindowSeconds,
    });
    return {
      services: { accounts: service, tokens },
      resolvers: [new AccountsResolver(service)],
      tasks: [
        {
          name: 'accounts admin emails',
          async start() {
            const promoted = await service.promoteAdmins(fork());
            if (promoted) logger.info({ promoted }, 'promoted accounts listed in ADMIN_EMAILS');
          },
          stop() {},
        },
      ],
    };
  },
});
