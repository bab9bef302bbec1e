import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';
import { anyKey, ApiScope, scoped } from '../../infra/api-scopes.js';

// Who may read which figures depends on the content and the viewer's role, so the
// services check it (at subscribe time and while streaming); trackEvents admits anonymous
// clients that identify themselves, which the service checks too.
export const metricsRules: RuleMap = {
  Query: {
    trending: scoped(ApiScope.CONTENT_READ, allow),
    metricSeries: scoped(ApiScope.METRICS_READ, isSignedIn),
  },
  Mutation: { trackEvents: anyKey(allow) },
  Subscription: {
    contentMetrics: scoped(ApiScope.METRICS_READ, isSignedIn),
    platformMetrics: isSignedIn,
    trendingChanged: scoped(ApiScope.CONTENT_READ, allow),
  },
};
