import { Role, type User } from '../accounts/index.js';
import { ContentStatus } from './content.entity.js';

/** Who may read a content: anyone once published; before or after, its author and staff. */
export function canRead(
  viewer: Pick<User, 'id' | 'role'> | null,
  content: { status: ContentStatus | null; authorId: string },
): boolean {
  if (content.status === null) return false;
  if (content.status === ContentStatus.PUBLISHED) return true;
  if (!viewer) return false;
  return (
    viewer.id === content.authorId || viewer.role === Role.ADMIN || viewer.role === Role.MODERATOR
  );
}

/** Who may archive or delete: the author and staff. Editing and publishing: the author only. */
export function canModerate(viewer: Pick<User, 'id' | 'role'>, authorId: string): boolean {
  return viewer.id === authorId || viewer.role === Role.ADMIN || viewer.role === Role.MODERATOR;
}
