import { userActor } from '../../infra/activity.js';
import { ChatReason } from './chat.errors.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { badInput, conflict, forbidden, rateLimited } from '../../errors.js';
import { commit } from '../../infra/db.js';
import { isId, type Actor, type SignedInActor, type User } from '../accounts/index.js';
import { canDeleteMessage, canEditMessage } from './chat.policy.js';
import { ChatReader } from './chat.reader.js';
import type { SendMessageInput } from './chat.inputs.js';
import {
  CHAT_LIMITS,
  validateClientMessageId,
  validateEmoji,
  validateMessageBody,
} from './chat.validation.js';
import { Conversation } from './conversation.entity.js';
import { ConversationMember } from './conversation-member.entity.js';
import { Message } from './message.entity.js';
import { Reaction } from './reaction.entity.js';

/** Sending, editing, deleting and reacting to messages. */
export class MessageService extends ChatReader {
  /**
   * Stores a message with the next sequence number of its conversation. The number comes
   * from one `UPDATE … SET last_seq = last_seq + 1 … RETURNING` in the transaction that
   * inserts the message: the row lock orders concurrent senders on any number of
   * processes, so cursors never repeat or go backwards, and a failed insert gives its
   * number back. A resent `clientMessageId` returns the first message.
   */
  async send(actor: SignedInActor, input: SendMessageInput): Promise<Message> {
    const viewer = actor.viewer;
    const body = validateMessageBody(input.body);
    const clientMessageId = validateClientMessageId(input.clientMessageId);
    const conversation = await this.member(actor, input.conversationId);
    await this.refuseIfBlockedIn(actor, conversation);
    if (clientMessageId) {
      const sent = await this.resent(actor, conversation, viewer, clientMessageId);
      if (sent) return sent;
    }
    const replyTo = input.replyToId ? await this.replyTarget(actor, conversation, input) : null;
    await this.checkRate(conversation, viewer);

    const now = new Date();
    try {
      const stored = await commit(actor, async (em, committed) => {
        const [row] = await em.execute<{ last_seq: number | string }[]>(
          'update conversations set last_seq = last_seq + 1 where id = ? returning last_seq',
          [conversation.id],
        );
        const seq = Number(row!.last_seq);
        await em.nativeUpdate(Conversation, { id: conversation.id }, { lastMessageAt: now });
        // The sender has read what they wrote.
        await em.nativeUpdate(
          ConversationMember,
          { conversation: conversation.id, user: viewer.id, lastReadSeq: { $lt: seq } },
          { lastReadSeq: seq },
        );
        const message = em.create(Message, {
          conversation: conversation.id,
          author: viewer.id,
          seq,
          replyTo: replyTo?.id ?? null,
          clientMessageId,
          createdAt: now,
        });
        Object.assign(message, this.deps.cipher.seal(message.id, body));
        committed.afterCommit(async () => {
          await this.announce('a message', () =>
            this.events.message(actor.em, 'posted', message.id),
          );
          await this.deps.activity.record(actor.em, [
            { kind: 'message', actor: userActor(viewer.id), at: now },
          ]);
        });
        return message;
      });
      return stored;
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException) || !clientMessageId) throw e;
      // The same clientMessageId raced itself: the other request stored it.
      const sent = await this.resent(actor, conversation, viewer, clientMessageId);
      if (!sent) throw e;
      return sent;
    }
  }

  edit(actor: SignedInActor, id: string, rawBody: string): Promise<Message> {
    const body = validateMessageBody(rawBody);
    return commit(actor, async (tx, committed) => {
      const message = await this.visibleMessage({ ...actor, em: tx }, id);
      await this.refuseIfBlockedIn({ ...actor, em: tx }, await message.conversation.loadOrFail());
      if (!canEditMessage(actor.viewer, facts(message)))
        throw forbidden('Only the author may edit a message', ChatReason.NOT_MESSAGE_AUTHOR);
      if (message.deletedAt)
        throw conflict('id', 'A deleted message cannot be edited', ChatReason.MESSAGE_DELETED);
      Object.assign(message, this.deps.cipher.seal(message.id, body), { editedAt: new Date() });
      committed.afterCommit(() =>
        this.announce('an edit', () => this.events.message(actor.em, 'updated', message.id)),
      );
      return message;
    });
  }

  /** Leaves a tombstone: the body and reactions go, the message keeps its place. */
  delete(actor: SignedInActor, id: string): Promise<Message> {
    return commit(actor, async (tx, committed) => {
      const message = await this.visibleMessage({ ...actor, em: tx }, id);
      if (!canDeleteMessage(actor.viewer, facts(message))) {
        throw forbidden(
          'Only the author or a moderator may delete a message',
          ChatReason.NOT_AUTHOR_OR_MODERATOR,
        );
      }
      if (message.deletedAt) return message;
      await tx.nativeDelete(Reaction, { message: message.id });
      Object.assign(message, { ciphertext: null, keyId: null, deletedAt: new Date() });
      committed.afterCommit(() =>
        this.announce('a deletion', () => this.events.message(actor.em, 'updated', message.id)),
      );
      return message;
    });
  }

  /**
   * Toggles the viewer's `emoji` on the message; at most 20 distinct emojis per message.
   * The count and the insert are one transaction that first takes the message's row lock
   * (a no-op UPDATE), so concurrent reactions are counted one after the other and none
   * can pass the cap.
   */
  react(actor: SignedInActor, id: string, rawEmoji: string): Promise<Message> {
    const emoji = validateEmoji(rawEmoji);
    return commit(actor, async (tx, committed) => {
      const message = await this.visibleMessage({ ...actor, em: tx }, id);
      await this.refuseIfBlockedIn({ ...actor, em: tx }, await message.conversation.loadOrFail());
      if (message.deletedAt)
        throw conflict(
          'messageId',
          'A deleted message cannot get reactions',
          ChatReason.MESSAGE_DELETED,
        );
      await tx.execute('update messages set seq = seq where id = ?', [message.id]);
      committed.afterCommit(() =>
        this.announce('a reaction', () => this.events.message(actor.em, 'updated', message.id)),
      );
      const key = { message: message.id, user: actor.viewer.id, emoji };
      if (await tx.nativeDelete(Reaction, key)) return message;
      const used = await tx.find(Reaction, { message: message.id }, { fields: ['emoji'] });
      const distinct = new Set(used.map((r) => r.emoji));
      if (!distinct.has(emoji) && distinct.size >= CHAT_LIMITS.emojisPerMessage) {
        throw badInput(
          'emoji',
          `a message has at most ${CHAT_LIMITS.emojisPerMessage} emojis`,
          ChatReason.EMOJI_LIMIT,
        );
      }
      await tx
        .createQueryBuilder(Reaction)
        .insert({ ...key, createdAt: new Date() })
        .onConflict(['message', 'user', 'emoji'])
        .ignore()
        .execute('run');
      return message;
    });
  }

  // ------------------------------------------------------------------ helpers

  private resent(actor: Actor, conversation: Conversation, viewer: User, clientMessageId: string) {
    return actor.em.findOne(Message, {
      conversation: conversation.id,
      author: viewer.id,
      clientMessageId,
    });
  }

  private async replyTarget(actor: Actor, conversation: Conversation, input: SendMessageInput) {
    const id = input.replyToId!;
    const target = isId(id)
      ? await actor.em.findOne(Message, { id: id.toLowerCase(), conversation: conversation.id })
      : null;
    if (!target) throw badInput('replyToId', 'is not a message of this conversation');
    return target;
  }

  /** Per conversation and overall, per user; shared by every process when Redis is set. */
  private async checkRate(conversation: Conversation, viewer: User) {
    const r = this.deps.rates;
    const inConversation = await this.deps.limiter.hit(
      'chat:conversation',
      `${conversation.id}:${viewer.id}`,
      r.perConversation,
      r.perConversationWindowSeconds,
    );
    if (!inConversation.allowed) throw rateLimited(inConversation.retryAfter);
    const overall = await this.deps.limiter.hit(
      'chat:user',
      viewer.id,
      r.overall,
      r.overallWindowSeconds,
    );
    if (!overall.allowed) throw rateLimited(overall.retryAfter);
  }
}

function facts(message: Message) {
  return { authorId: message.author.id };
}
