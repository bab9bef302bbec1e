import type { UserSnapshot } from '../accounts/index.js';
/**
 * A message as stored, so subscribers resolve it without a query. The body travels sealed
 * (ciphertext and key id, exactly as in the row): no plaintext ever crosses Redis, and each
 * process opens it once (MessageCipher caches what it opened).
 */
export interface MessageSnapshot {
  id: string;
  conversationId: string;
  seq: number;
  ciphertext: string | null;
  keyId: string | null;
  replyToId: string | null;
  /**
   * The replied-to message as stored when the event was published, so `replyTo` resolves
   * without a query. One level deep: its own `replyTo` is left out (resolving that one
   * loads the row by `replyToId`), as in events from processes that predate this field.
   */
  replyTo?: MessageSnapshot | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  author: UserSnapshot;
  /** Every reaction row (emoji, user), oldest first: viewerReacted is per subscriber. */
  reactions: { emoji: string; userId: string }[];
}

/**
 * Per-conversation channel (id: the conversation id). Message events are published after
 * the transaction that stores them commits, so a client that resumes from the database
 * never misses one. `left` ends the streams of the member who left.
 */
export type ChatEventPayload =
  | { type: 'posted' | 'updated'; message: MessageSnapshot }
  | { type: 'typing'; conversationId: string; user: UserSnapshot; typing: boolean }
  | { type: 'read'; conversationId: string; user: UserSnapshot; lastReadSeq: number }
  | { type: 'presence'; conversationId: string; user: UserSnapshot; online: boolean }
  | { type: 'left'; conversationId: string; userId: string };

/** Per-user channel (id: the user id): new messages and read receipts of their conversations. */
export type InboxEventPayload =
  { type: 'posted'; message: MessageSnapshot } | Extract<ChatEventPayload, { type: 'read' }>;

export const CHAT_EVENTS = 'chat.events';
export const CHAT_INBOX = 'chat.inbox';

declare module '../../infra/pubsub.js' {
  interface Topics {
    [CHAT_EVENTS]: ChatEventPayload;
    [CHAT_INBOX]: InboxEventPayload;
  }
}
