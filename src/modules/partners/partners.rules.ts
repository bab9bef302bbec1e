import { anyKey, ApiScope, scoped } from '../../infra/api-scopes.js';
import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';

// Membership and roles depend on the rows, so the services check them; keys may read
// organisations and their own, never manage members or keys (people only).
export const partnersRules: RuleMap = {
  Query: {
    organization: scoped(ApiScope.CONTENT_READ, allow),
    organizationBySlug: scoped(ApiScope.CONTENT_READ, allow),
    myOrganizations: isSignedIn,
    currentOrganization: anyKey(allow),
  },
  Mutation: {
    createOrganization: isSignedIn,
    addOrganizationMember: isSignedIn,
    removeOrganizationMember: isSignedIn,
    createApiKey: isSignedIn,
    revokeApiKey: isSignedIn,
  },
};
