import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';

// Who may read which figures depends on the content and the viewer's role, so the
// services check it (at subscribe time and while streaming); trackEvents admits anonymous
// clients that identify themselves, which the service checks too.
export const metricsRules: RuleMap = {
  Query: { trending: allow, metricSeries: isSignedIn },
  Mutation: { trackEvents: allow },
  Subscription: { contentMetrics: isSignedIn, platformMetrics: isSignedIn, trendingChanged: allow },
};
