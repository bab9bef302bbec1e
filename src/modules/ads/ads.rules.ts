import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';
import { anyKey, ApiScope, scoped } from '../../infra/api-scopes.js';

// Membership of the campaign's organisation depends on the rows, so the service checks it
// (ads.policy.ts); serving and tracking admit anonymous clients and any key, as the content
// they sit beside and trackEvents do.
export const adsRules: RuleMap = {
  Query: {
    adsForPlacement: anyKey(allow),
    campaigns: scoped(ApiScope.ADS_MANAGE, isSignedIn),
    campaign: scoped(ApiScope.ADS_MANAGE, isSignedIn),
  },
  Mutation: {
    createCampaign: scoped(ApiScope.ADS_MANAGE, isSignedIn),
    updateCampaign: scoped(ApiScope.ADS_MANAGE, isSignedIn),
    addCreative: scoped(ApiScope.ADS_MANAGE, isSignedIn),
    setCampaignStatus: scoped(ApiScope.ADS_MANAGE, isSignedIn),
    trackAdEvents: anyKey(allow),
  },
  Subscription: {
    campaignStats: scoped(ApiScope.ADS_MANAGE, isSignedIn),
  },
};
