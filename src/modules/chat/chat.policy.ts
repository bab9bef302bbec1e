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

/** The blocks between the users a decision names: `blockerId` blocked `blockedId`. */
export interface BlockFacts {
  blocks: readonly { blockerId: string; blockedId: string }[];
}

/**
 * Whether `fromId` may reach `toId`: not once `toId` has blocked `fromId`, who then gets
 * nothing through to them. Reaching is every interaction: writing, editing, reacting,
 * typing and read receipts in their DIRECT conversation, adding them to a group, and
 * watching their presence (`online`, PresenceChanged). Services and live streams ask this
 * one predicate; the blocker keeps every right towards the blocked.
 */
export function mayReach(facts: BlockFacts, fromId: string, toId: string): boolean {
  return !facts.blocks.some((b) => b.blockerId === toId && b.blockedId === fromId);
}
