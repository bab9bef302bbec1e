import { isStaff, type ViewerLike } from '../accounts/index.js';
import { ContentStatus } from './content.entity.js';

/** What the content policy needs of a content: plain data, as rows, entities and events carry it. */
export interface ContentFacts {
  /** null once deleted. */
  status: ContentStatus | null;
  authorId: string;
}

/** Who may read a content: anyone once published; before or after, its author and staff. */
export function canRead(viewer: ViewerLike | null, content: ContentFacts): boolean {
  if (content.status === null) return false;
  if (content.status === ContentStatus.PUBLISHED) return true;
  if (!viewer) return false;
  return viewer.id === content.authorId || isStaff(viewer);
}

/** Who may edit and publish: the author only. */
export function canEdit(viewer: ViewerLike, content: ContentFacts): boolean {
  return viewer.id === content.authorId;
}

/** Who may archive or delete: the author and staff. */
export function canModerate(viewer: ViewerLike, content: ContentFacts): boolean {
  return viewer.id === content.authorId || isStaff(viewer);
}

/** Who may like and comment: readers of published content. */
export function canInteract(viewer: ViewerLike | null, content: ContentFacts): boolean {
  return content.status === ContentStatus.PUBLISHED && canRead(viewer, content);
}

/** Who may see a content's figures (metrics): its author and staff. */
export function canWatchMetrics(
  viewer: ViewerLike,
  content: Pick<ContentFacts, 'authorId'>,
): boolean {
  return viewer.id === content.authorId || isStaff(viewer);
}
