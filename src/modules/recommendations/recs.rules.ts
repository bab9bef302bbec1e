import { allow, type RuleMap } from '../../infra/permissions.js';

// Anyone: anonymous viewers get trending and fresh content; the service filters what each
// viewer may read.
export const recommendationRules: RuleMap = {
  Query: { recommendedContents: allow, similarContents: allow },
};
