import type { EntityData } from '@mikro-orm/core';
import type { Em } from '../../infra/db.js';
import {
  getUser,
  mergeUserSnapshot,
  type User,
  userSnapshot,
  type UserSnapshot,
} from '../accounts/index.js';
import type { ReactionCount } from './chat.types.js';
import type { MessageSnapshot } from './chat.topics.js';
import { Message } from './message.entity.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function messageSnapshot(
  m: Message,
  author: User,
  reactions: { emoji: string; userId: string }[],
): MessageSnapshot {
  return {
    id: m.id,
    conversationId: m.conversation.id,
    seq: m.seq,
    ciphertext: m.ciphertext ?? null,
    keyId: m.keyId ?? null,
    replyToId: m.replyTo?.id ?? null,
    createdAt: m.createdAt.toISOString(),
    editedAt: iso(m.editedAt),
    deletedAt: iso(m.deletedAt),
    author: userSnapshot(author),
    reactions,
  };
}

/**
 * Merges a user into a fresh EntityManager as loaded, so resolving it costs no query. Not
 * for the viewers who may read its email (the user themself and admins): a merged user
 * would show a null email, so for them the row is loaded instead.
 */
export async function userFromSnapshot(
  em: Em,
  s: UserSnapshot,
  viewer: User | null,
): Promise<User> {
  mergeUserSnapshot(em, s, viewer);
  // By primary key: served from the identity map when merged above.
  return getUser(em, s.id);
}

/**
 * The message of an event, with its author, reactions and replied-to message primed: no
 * query to resolve them. Without a `replyTo` snapshot (the replied-to message's own), the
 * reference is left unloaded and resolving it loads the row.
 */
export function messageFromSnapshot(
  em: Em,
  s: MessageSnapshot,
  viewer: User | null,
  primeReactions: (id: string, counts: ReactionCount[]) => void,
): Message {
  // First: merging the reply below then finds it loaded in the identity map.
  if (s.replyTo) messageFromSnapshot(em, s.replyTo, viewer, primeReactions);
  mergeUserSnapshot(em, s.author, viewer);
  const counts = new Map<string, ReactionCount>();
  for (const r of s.reactions) {
    const entry = counts.get(r.emoji) ?? { emoji: r.emoji, count: 0, viewerReacted: false };
    entry.count += 1;
    entry.viewerReacted ||= r.userId === viewer?.id;
    counts.set(r.emoji, entry);
  }
  primeReactions(s.id, [...counts.values()]);
  return em.merge(Message, {
    id: s.id,
    conversation: s.conversationId,
    author: s.author.id,
    seq: s.seq,
    ciphertext: s.ciphertext,
    keyId: s.keyId,
    replyTo: s.replyToId,
    createdAt: new Date(s.createdAt),
    editedAt: s.editedAt ? new Date(s.editedAt) : null,
    deletedAt: s.deletedAt ? new Date(s.deletedAt) : null,
  } as EntityData<Message>);
}
