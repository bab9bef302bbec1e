export { User, Role } from './user.entity.js';
export { AccountsService, requireViewer, isStaff, isId, type Actor } from './accounts.service.js';
export { TokenService } from './token.service.js';
export { AccountsResolver } from './accounts.resolver.js';
export { accountsRules, isAdmin } from './accounts.rules.js';
export { mergeUserSnapshot, userSnapshot, type UserSnapshot } from './user.snapshot.js';
