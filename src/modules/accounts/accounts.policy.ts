import { Role, type User } from './user.entity.js';

/** A viewer as policies see one: plain data, no entity required. */
export type ViewerLike = Pick<User, 'id' | 'role'>;

/** Admins. */
export function isAdminUser(viewer: Pick<User, 'role'> | null): boolean {
  return viewer?.role === Role.ADMIN;
}

/** Moderators and admins: who may moderate anyone's content and messages. */
export function isStaff(viewer: Pick<User, 'role'> | null): boolean {
  return viewer?.role === Role.ADMIN || viewer?.role === Role.MODERATOR;
}

/** Who may see a user's email: the user themself and admins. */
export function canSeeEmail(viewer: ViewerLike | null, userId: string): boolean {
  return viewer !== null && (viewer.id === userId || isAdminUser(viewer));
}
