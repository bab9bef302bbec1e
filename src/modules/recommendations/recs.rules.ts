import { allow, type RuleMap } from '../../infra/permissions.js';
import { ApiScope, scoped } from '../../infra/api-scopes.js';

// Anyone: anonymous viewers get trending and fresh content; the service filters what each
// viewer may read.
export const recommendationRules: RuleMap = {
  Query: {
    recommendedContents: scoped(ApiScope.CONTENT_READ, allow),
    similarContents: scoped(ApiScope.CONTENT_READ, allow),
  },
};
