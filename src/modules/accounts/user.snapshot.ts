import type { EntityData } from '@mikro-orm/core';
import type { Em } from '../../infra/db.js';
import { Role, User } from './user.entity.js';

/** The public columns of a user, as carried inside events (never the email). */
export interface UserSnapshot {
  id: string;
  handle: string;
  displayName: string;
  bio: string | null;
  avatarUrl: string | null;
  role: string;
  createdAt: string;
}

export function userSnapshot(u: User): UserSnapshot {
  return {
    id: u.id,
    handle: u.handle,
    displayName: u.displayName,
    bio: u.bio ?? null,
    avatarUrl: u.avatarUrl ?? null,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
  };
}

/**
 * Registers the user of an event as loaded in `em`, so resolving it costs no query. A
 * merged user counts as fully loaded, so the email its snapshot leaves out would read as
 * null: for the viewers who may see that email (the user themself and admins, as in
 * accounts.rules.ts) it is not merged, and its reference loads the row instead.
 */
export function mergeUserSnapshot(
  em: Em,
  s: UserSnapshot,
  viewer: Pick<User, 'id' | 'role'> | null,
): void {
  if (viewer && (viewer.id === s.id || viewer.role === Role.ADMIN)) return;
  em.merge(User, { ...s, createdAt: new Date(s.createdAt) } as EntityData<User>);
}
