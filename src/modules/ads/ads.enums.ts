import { registerEnumType } from 'type-graphql';

export enum CampaignStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  ENDED = 'ENDED',
}
registerEnumType(CampaignStatus, {
  name: 'CampaignStatus',
  valuesConfig: { ENDED: { description: 'The flight ended or the budget is spent.' } },
});

export enum Pacing {
  EVEN = 'EVEN',
  ASAP = 'ASAP',
}
registerEnumType(Pacing, {
  name: 'Pacing',
  valuesConfig: {
    EVEN: {
      description:
        'Spend spread over the flight: by any time, at most the budget times the share of the flight elapsed (plus 5% of the budget).',
    },
    ASAP: { description: 'Spend as fast as placements allow.' },
  },
});

export enum AdEventType {
  IMPRESSION = 'IMPRESSION',
  CLICK = 'CLICK',
}
registerEnumType(AdEventType, { name: 'AdEventType' });
