import { isAdminUser, type ViewerLike } from '../accounts/index.js';
import { OrganizationRole } from '../partners/index.js';
import { CampaignStatus } from './ads.enums.js';

/**
 * Who acts on an organisation's campaigns: its members (any role) see campaigns and their
 * stats; OWNER and ADMIN (and platform admins) create and change them, since they spend
 * the organisation's money. A key of the organisation with ADS_MANAGE does both (the
 * scope is checked by the shield rule; the organisation here).
 */
export interface AdsActor {
  viewer: ViewerLike;
  role: OrganizationRole | null;
  /** The organisation of the request's API key, when it has one. */
  keyOrganizationId: string | null;
}

export function canSeeCampaigns(a: AdsActor, organizationId: string): boolean {
  if (a.keyOrganizationId !== null) return a.keyOrganizationId === organizationId;
  return a.role !== null || isAdminUser(a.viewer);
}

export function canManageCampaigns(a: AdsActor, organizationId: string): boolean {
  if (a.keyOrganizationId !== null) return a.keyOrganizationId === organizationId;
  return (
    a.role === OrganizationRole.OWNER || a.role === OrganizationRole.ADMIN || isAdminUser(a.viewer)
  );
}

/** DRAFT or PAUSED to ACTIVE; ACTIVE to PAUSED; anything but ENDED to ENDED is not offered. */
export function canMove(from: CampaignStatus, to: CampaignStatus): boolean {
  if (to === CampaignStatus.ACTIVE)
    return from === CampaignStatus.DRAFT || from === CampaignStatus.PAUSED;
  if (to === CampaignStatus.PAUSED) return from === CampaignStatus.ACTIVE;
  return false;
}
