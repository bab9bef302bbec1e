import { isAdminUser, isStaff, type ViewerLike } from '../accounts/index.js';
import { Visibility, type AccessGrants, type BodyFacts } from '../content/index.js';
import { MembershipStatus } from './membership.entity.js';

/** What the access rule reads of a membership: plain data. */
export interface MembershipFacts {
  status: MembershipStatus;
  currentPeriodEnd: Date | null;
}

/**
 * Whether a membership gives access at `now`. The rule compares the time itself (the
 * expiry job only tidies statuses): ACTIVE, PAST_DUE and CANCELED give access until
 * `currentPeriodEnd` plus the grace; an ACTIVE free membership (no period) for as long as
 * it lasts; PENDING and EXPIRED never.
 */
export function givesAccess(m: MembershipFacts, now: Date, graceSeconds: number): boolean {
  if (m.status === MembershipStatus.PENDING || m.status === MembershipStatus.EXPIRED) return false;
  if (!m.currentPeriodEnd) return m.status === MembershipStatus.ACTIVE;
  return m.currentPeriodEnd.getTime() + graceSeconds * 1000 > now.getTime();
}

/**
 * The one rule of who may read a content's whole body and media, asked by every surface
 * (content, lists, search, recommendations, trending, subscription events; comments too).
 * PUBLIC: anyone who may see the content. Otherwise the author, moderators and admins
 * always; SIGNED_IN: any signed-in user; MEMBERS: members of any of the author's tiers;
 * TIERS: members of one of the content's tiers.
 */
export function canReadBody(grants: AccessGrants, content: BodyFacts): boolean {
  if (content.visibility === Visibility.PUBLIC) return true;
  if (!grants.viewerId) return false;
  if (grants.all || grants.viewerId === content.authorId) return true;
  switch (content.visibility) {
    case Visibility.SIGNED_IN:
      return true;
    case Visibility.MEMBERS:
      return grants.creatorIds.has(content.authorId);
    case Visibility.TIERS:
      return content.tierIds.some((id) => grants.tierIds.has(id));
  }
}

/** Who may see a tier's member figures and list: its creator and admins. */
export function canSeeMembers(viewer: ViewerLike | null, creatorId: string): boolean {
  return !!viewer && (viewer.id === creatorId || isAdminUser(viewer));
}

/** Who may see a membership: its member, the tier's creator, admins. */
export function canSeeMembership(
  viewer: ViewerLike | null,
  m: { memberId: string; creatorId: string },
): boolean {
  return !!viewer && (viewer.id === m.memberId || canSeeMembers(viewer, m.creatorId));
}

/** Who may cancel a membership: its member and admins. */
export function canCancel(viewer: ViewerLike, memberId: string): boolean {
  return viewer.id === memberId || isAdminUser(viewer);
}

/** The grants of nobody signed in, and of staff (every body). */
export const NO_GRANTS: AccessGrants = Object.freeze({
  viewerId: null,
  all: false,
  creatorIds: new Set<string>(),
  tierIds: new Set<string>(),
});

export function staffGrants(viewer: ViewerLike): AccessGrants | null {
  return isStaff(viewer)
    ? { viewerId: viewer.id, all: true, creatorIds: new Set(), tierIds: new Set() }
    : null;
}
