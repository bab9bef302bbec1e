import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';
import { ApiScope, scoped } from '../../infra/api-scopes.js';

// Ownership depends on the row, so the service checks it (FORBIDDEN or NOT_FOUND); the
// rules here decide who may call at all.
export const membershipsRules: RuleMap = {
  Query: {
    tier: scoped(ApiScope.CONTENT_READ, allow),
    myMemberships: isSignedIn,
    tierMembers: isSignedIn,
  },
  Mutation: {
    createTier: isSignedIn,
    updateTier: isSignedIn,
    archiveTier: isSignedIn,
    joinTier: isSignedIn,
    cancelMembership: isSignedIn,
  },
  // Checked again at subscribe time (membership-live.service.ts): shield asks per event.
  Subscription: { membershipChanged: isSignedIn },
};
