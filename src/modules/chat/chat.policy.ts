import { isStaff, type ViewerLike } from '../accounts/index.js';

/** What the chat policy needs of a message: plain data. */
export interface MessageFacts {
  authorId: string;
}

/** Who may edit a message: its author (a deleted message is a CONFLICT, not a right). */
export function canEditMessage(viewer: ViewerLike, message: MessageFacts): boolean {
  return viewer.id === message.authorId;
}

/** Who may delete a message: its author and staff. */
export function canDeleteMessage(viewer: ViewerLike, message: MessageFacts): boolean {
  return viewer.id === message.authorId || isStaff(viewer);
}
