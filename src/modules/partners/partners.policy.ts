import { isAdminUser, type ViewerLike } from '../accounts/index.js';
import { OrganizationRole } from './organization.entity.js';

/** Who may manage members and keys: owners and admins of the organisation (and platform admins). */
export function canManage(viewer: ViewerLike, role: OrganizationRole | null): boolean {
  return role === OrganizationRole.OWNER || role === OrganizationRole.ADMIN || isAdminUser(viewer);
}

/** Who may make or unmake an owner: owners (and platform admins). */
export function canGrantOwner(viewer: ViewerLike, role: OrganizationRole | null): boolean {
  return role === OrganizationRole.OWNER || isAdminUser(viewer);
}

/** Who sees the member list: members (and platform admins). */
export function canSeeMembers(viewer: ViewerLike | null, role: OrganizationRole | null): boolean {
  return role !== null || (!!viewer && isAdminUser(viewer));
}
