/** `extensions.reason` values of the memberships feature. */
export enum MembershipsReason {
  OWN_TIER = 'OWN_TIER',
  TIER_ARCHIVED = 'TIER_ARCHIVED',
  NOT_TIER_CREATOR = 'NOT_TIER_CREATOR',
  NOT_YOUR_TIER = 'NOT_YOUR_TIER',
  NOT_MEMBER = 'NOT_MEMBER',
  INVALID_CURRENCY = 'INVALID_CURRENCY',
  INVALID_PRICE = 'INVALID_PRICE',
  TOO_MANY_TIERS = 'TOO_MANY_TIERS',
  /** Paid tiers take no new members: no billing provider is configured. */
  BILLING_UNAVAILABLE = 'BILLING_UNAVAILABLE',
  /** The billing provider did not answer or refused: nothing was written. */
  BILLING_FAILED = 'BILLING_FAILED',
}
