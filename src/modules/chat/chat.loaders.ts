import DataLoader from 'dataloader';
import type { Em } from '../../infra/db.js';
import type { User } from '../accounts/index.js';
import { blockFacts } from './block.lookup.js';
import { mayReach } from './chat.policy.js';
import { ConversationMember } from './conversation-member.entity.js';
import type { Conversation } from './conversation.entity.js';
import { Message } from './message.entity.js';
import { Reaction } from './reaction.entity.js';
import type { ReactionCount } from './chat.types.js';

/**
 * Per-request (per-event for subscriptions) loaders of the chat feature: each answers for a
 * whole list in one SQL statement.
 */
export function createChatLoaders(
  em: Em,
  viewer: User | null,
  presence: { online(userIds: readonly string[]): Promise<Set<string>> },
) {
  return {
    /**
     * Whether each user holds a graphql-ws connection on any process; false for a user who
     * blocked the viewer (watching presence is reaching them: `mayReach`). The blocks are
     * read only when someone is online.
     */
    online: new DataLoader<string, boolean>(async (userIds) => {
      const online = new Set(await presence.online(userIds));
      const others = [...online].filter((id) => id !== viewer?.id);
      if (viewer && others.length) {
        const facts = await blockFacts(em, viewer.id, others);
        for (const id of others) if (!mayReach(facts, viewer.id, id)) online.delete(id);
      }
      return userIds.map((id) => online.has(id));
    }),

    /** Active members of each conversation, in the order they joined. */
    members: new DataLoader<string, ConversationMember[]>(async (ids) => {
      const rows = await em.find(
        ConversationMember,
        { conversation: { $in: [...ids] }, leftAt: null },
        // Users joined in: a separate batch of user references would land in the same tick
        // as lastMessage's authors or not, depending on timing (one statement more or less).
        { orderBy: { joinedAt: 'asc', user: 'asc' }, populate: ['user'] },
      );
      return ids.map((id) => rows.filter((m) => m.conversation.id === id));
    }),

    /** The newest message of each conversation (null before the first). */
    lastMessage: new DataLoader<Conversation, Message | null, string>(
      async (conversations) => {
        const started = conversations.filter((c) => c.lastSeq > 0);
        const rows = started.length
          ? await em.find(
              Message,
              { $or: started.map((c) => ({ conversation: c.id, seq: c.lastSeq })) },
              { populate: ['author'] },
            )
          : [];
        const byConversation = new Map(rows.map((m) => [m.conversation.id, m]));
        return conversations.map((c) => byConversation.get(c.id) ?? null);
      },
      { cacheKeyFn: (c) => c.id },
    ),

    /** Messages by others after the viewer's read position, not counting deleted ones. */
    unreadCount: new DataLoader<string, number>(async (ids) => {
      if (!viewer) return ids.map(() => 0);
      const rows = await em.execute<{ conversation_id: string; n: number | string }[]>(
        `select m.conversation_id, count(*) as n
           from messages m
           join conversation_members cm
             on cm.conversation_id = m.conversation_id and cm.user_id = ?
          where m.conversation_id in (${ids.map(() => '?').join(', ')})
            and m.seq > cm.last_read_seq and m.author_id <> ? and m.deleted_at is null
          group by m.conversation_id`,
        [viewer.id, ...ids, viewer.id],
      );
      const counts = new Map(rows.map((r) => [r.conversation_id, Number(r.n)]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),

    /** Reactions of each message, one entry per emoji in the order it was first used. */
    reactions: new DataLoader<string, ReactionCount[]>(async (ids) => {
      const rows = await em.find(
        Reaction,
        { message: { $in: [...ids] } },
        { orderBy: { createdAt: 'asc', emoji: 'asc' } },
      );
      const byMessage = new Map<string, Map<string, ReactionCount>>();
      for (const r of rows) {
        const counts = byMessage.get(r.message.id) ?? new Map<string, ReactionCount>();
        byMessage.set(r.message.id, counts);
        const entry = counts.get(r.emoji) ?? { emoji: r.emoji, count: 0, viewerReacted: false };
        entry.count += 1;
        entry.viewerReacted ||= r.user.id === viewer?.id;
        counts.set(r.emoji, entry);
      }
      return ids.map((id) => [...(byMessage.get(id)?.values() ?? [])]);
    }),
  };
}

export type ChatLoaders = ReturnType<typeof createChatLoaders>;
