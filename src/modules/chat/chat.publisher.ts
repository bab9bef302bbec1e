import { sqlRows, type Em } from '../../infra/db.js';
import type { PubSub } from '../../infra/pubsub.js';
import { getUser, type User } from '../accounts/index.js';
import { messageSnapshot } from './chat.snapshots.js';
import { userSnapshot } from '../accounts/index.js';
import {
  CHAT_EVENTS,
  CHAT_INBOX,
  type InboxEventPayload,
  type MessageSnapshot,
} from './chat.topics.js';
import { Message } from './message.entity.js';
import { Reaction } from './reaction.entity.js';

/**
 * Publishes the chat events. Call only after the change is committed: a subscriber that
 * resumes from the database must find every message it was told about. Reads from a
 * fresh fork, so the event carries the committed state, once, whatever the subscribers.
 */
export class ChatPublisher {
  constructor(private readonly pubsub: PubSub) {}

  /**
   * A new message (`posted`, also to every member's inbox) or its new state (`updated`),
   * with the message it replies to, so subscribers resolve `replyTo` without a query.
   */
  async message(root: Em, type: 'posted' | 'updated', id: string): Promise<void> {
    const em = root.fork();
    const message = await em.findOneOrFail(
      Message,
      { id },
      { populate: ['author', 'replyTo.author'] },
    );
    const replyTo = message.replyTo?.getEntity() ?? null;
    // The reactions of both in one statement, oldest first, as each snapshot lists them.
    const reactions = await em.find(
      Reaction,
      { message: { $in: replyTo ? [id, replyTo.id] : [id] } },
      { orderBy: { createdAt: 'asc', emoji: 'asc' } },
    );
    const rowsOf = (m: Message) =>
      reactions
        .filter((r) => r.message.id === m.id)
        .map((r) => ({ emoji: r.emoji, userId: r.user.id }));
    const snapshot: MessageSnapshot = {
      ...messageSnapshot(message, message.author.getEntity(), rowsOf(message)),
      replyTo: replyTo && messageSnapshot(replyTo, replyTo.author.getEntity(), rowsOf(replyTo)),
    };
    const conversationId = message.conversation.id;
    await this.pubsub.publish(CHAT_EVENTS, { type, message: snapshot }, conversationId);
    if (type === 'posted') {
      await this.inbox(em, conversationId, { type: 'posted', message: snapshot });
    }
  }

  /** A member's read position moved: to the conversation and every member's inbox. */
  async read(root: Em, conversationId: string, userId: string, lastReadSeq: number) {
    const em = root.fork();
    const user = userSnapshot(await getUser(em, userId));
    const event = { type: 'read', conversationId, user, lastReadSeq } as const;
    await this.pubsub.publish(CHAT_EVENTS, event, conversationId);
    await this.inbox(em, conversationId, event);
  }

  async typing(user: User, conversationId: string, typing: boolean): Promise<void> {
    await this.pubsub.publish(
      CHAT_EVENTS,
      { type: 'typing', conversationId, user: userSnapshot(user), typing },
      conversationId,
    );
  }

  /** Ends the streams of a member who left. */
  async left(conversationId: string, userId: string): Promise<void> {
    await this.pubsub.publish(
      CHAT_EVENTS,
      { type: 'left', conversationId, userId },
      conversationId,
    );
  }

  /**
   * To every member's inbox. The members are read as plain ids: hydrating a large
   * conversation's memberships (composite keys, two references each) held the event loop
   * for tens of milliseconds per message.
   */
  private async inbox(em: Em, conversationId: string, event: InboxEventPayload) {
    const members = await sqlRows<{ user_id: string }>(
      em,
      'select user_id from conversation_members where conversation_id = ? and left_at is null',
      [conversationId],
    );
    await Promise.all(members.map((m) => this.pubsub.publish(CHAT_INBOX, event, m.user_id)));
  }
}
