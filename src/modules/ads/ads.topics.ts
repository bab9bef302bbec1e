/**
 * A campaign's serving facts changed (created active, changed, paused, ended, a creative
 * added): every process reloads it from the database (or drops it) at once. Published after
 * the change commits; a lost message is made up for by each process's periodic refresh.
 */
export interface CampaignChangedPayload {
  campaignId: string;
}

export const ADS_CAMPAIGN_CHANGED = 'ads.campaignChanged';

declare module '../../infra/pubsub.js' {
  interface Topics {
    [ADS_CAMPAIGN_CHANGED]: CampaignChangedPayload;
  }
}
