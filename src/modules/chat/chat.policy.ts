import { isStaff, type ViewerLike } from '../accounts/index.js';

/** What the chat policy needs of a message: plain data. */
export interface MessageFacts {
  authorId: string;
  deleted: boolean;
}

/** Who may edit a message: its author, while it is not deleted. */
export function canEditMessage(viewer: ViewerLike, message: MessageFacts): boolean {
  return viewer.id === message.authorId;
}

/** Who may delete a message: its author and staff. */
export function canDeleteMessage(viewer: ViewerLike, message: MessageFacts): boolean {
  return viewer.id === message.authorId || isStaff(viewer);
}

/**
 * Who may write to a DIRECT conversation: anyone the other member has not blocked.
 * `blockedByOther` is whether the other member blocks the viewer.
 */
export function canWriteDirect(blockedByOther: boolean): boolean {
  return !blockedByOther;
}
