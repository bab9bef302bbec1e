import type { EntityData } from '@mikro-orm/core';
import type { Em } from '../../infra/db.js';
import { User } from './user.entity.js';
import { canSeeEmail } from './accounts.policy.js';

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
 * null: for the viewers who may see that email (`canSeeEmail`) it is not merged, and its reference loads the row instead.
 */
export function mergeUserSnapshot(
  em: Em,
  s: UserSnapshot,
  viewer: Pick<User, 'id' | 'role'> | null,
): void {
  if (canSeeEmail(viewer, s.id)) return;
  em.merge(User, { ...s, createdAt: new Date(s.createdAt) } as EntityData<User>);
}
