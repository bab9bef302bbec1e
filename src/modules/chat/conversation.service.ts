import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { badInput, notFound } from '../../errors.js';
import { commit } from '../../infra/db.js';
import { findUser, findUsers, isId, type SignedInActor, type User } from '../accounts/index.js';
import { Block } from './block.entity.js';
import { ChatReader } from './chat.reader.js';
import { CHAT_LIMITS, parseMessageCursor, validateTitle } from './chat.validation.js';
import { Conversation, ConversationKind, directKeyOf } from './conversation.entity.js';
import { ConversationMember } from './conversation-member.entity.js';

/** Starting, leaving and reading conversations; blocks; typing. */
export class ConversationService extends ChatReader {
  /** Pending typing expiries on this process, per `conversation:user`. */
  private readonly typingTimers = new Map<string, NodeJS.Timeout>();

  /**
   * One other member: the DIRECT conversation of the two, created once (the unique
   * `directKey` settles a race between both starting it) and re-joined by both when either
   * had left. More: a new GROUP. The viewer is always a member; listing them is ignored.
   */
  async start(actor: SignedInActor, memberIds: readonly string[], rawTitle?: string | null) {
    const viewer = actor.viewer;
    const title = validateTitle(rawTitle);
    const others = await this.users(actor, memberIds, viewer);
    if (others.length === 1) return this.direct(actor, viewer, others[0]!);
    if (others.length + 1 > CHAT_LIMITS.groupMembers) {
      throw badInput('memberIds', `a group has at most ${CHAT_LIMITS.groupMembers} members`);
    }
    // Nobody is put in a group by someone they blocked.
    await this.refuseIfBlocked(
      actor,
      others.map((u) => u.id),
    );
    return commit(actor, async (tx) => {
      const conversation = tx.create(Conversation, { kind: ConversationKind.GROUP, title });
      for (const user of [viewer, ...others]) {
        tx.create(ConversationMember, { conversation, user: user.id });
      }
      return conversation;
    });
  }

  async leave(actor: SignedInActor, id: string): Promise<string> {
    const viewer = actor.viewer;
    return commit(actor, async (tx, committed) => {
      const conversation = await this.member({ ...actor, em: tx }, id);
      await tx.nativeUpdate(
        ConversationMember,
        { conversation: conversation.id, user: viewer.id },
        { leftAt: new Date() },
      );
      committed.afterCommit(() =>
        this.announce('a departure', () => this.events.left(conversation.id, viewer.id)),
      );
      return conversation.id;
    });
  }

  /** Moves the viewer's read position to `cursor`, never backwards. */
  async markRead(actor: SignedInActor, id: string, cursor: string): Promise<Conversation> {
    const viewer = actor.viewer;
    return commit(actor, async (tx, committed) => {
      // Read on the clean fork: lastSeq as committed now, not as the request first saw it.
      const conversation = await this.member({ ...actor, em: tx }, id);
      await this.refuseIfBlockedIn({ ...actor, em: tx }, conversation);
      const seq = parseMessageCursor(cursor, 'cursor');
      if (seq > conversation.lastSeq) {
        throw badInput('cursor', 'is not a message cursor of this conversation');
      }
      // Conditional, so a late request with an older cursor cannot move it back.
      const moved = await tx.nativeUpdate(
        ConversationMember,
        { conversation: conversation.id, user: viewer.id, lastReadSeq: { $lt: seq } },
        { lastReadSeq: seq },
      );
      if (moved) {
        committed.afterCommit(() =>
          this.announce('a read receipt', () =>
            this.events.read(actor.em, conversation.id, viewer.id, seq),
          ),
        );
      }
      return conversation;
    });
  }

  async block(actor: SignedInActor, userId: string): Promise<User> {
    const viewer = actor.viewer;
    const user = await this.otherUser(actor, userId, viewer);
    await commit(actor, (tx) =>
      tx
        .createQueryBuilder(Block)
        .insert({ blocker: viewer.id, blocked: user.id, createdAt: new Date() })
        .onConflict(['blocker', 'blocked'])
        .ignore()
        .execute('run'),
    );
    return user;
  }

  async unblock(actor: SignedInActor, userId: string): Promise<User> {
    const viewer = actor.viewer;
    const user = await this.otherUser(actor, userId, viewer);
    await commit(actor, (tx) => tx.nativeDelete(Block, { blocker: viewer.id, blocked: user.id }));
    return user;
  }

  /**
   * Published to the conversation's channel only: typing is never stored. `typing: true`
   * turns itself off after `typingTtlMs` unless renewed; the timer lives on the process
   * that received it, and its event goes through the same pub/sub as any other.
   */
  async setTyping(actor: SignedInActor, id: string, typing: boolean): Promise<boolean> {
    const viewer = actor.viewer;
    const conversation = await this.member(actor, id);
    await this.refuseIfBlockedIn(actor, conversation);
    const key = `${conversation.id}:${viewer.id}`;
    clearTimeout(this.typingTimers.get(key));
    this.typingTimers.delete(key);
    if (typing) {
      const timer = setTimeout(() => {
        this.typingTimers.delete(key);
        void this.announce('a typing expiry', () =>
          this.events.typing(viewer, conversation.id, false),
        );
      }, this.deps.typingTtlMs);
      timer.unref();
      this.typingTimers.set(key, timer);
    }
    await this.events.typing(viewer, conversation.id, typing);
    return true;
  }

  /** Drops pending typing expiries (when the process stops). */
  stop(): void {
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
  }

  // ------------------------------------------------------------------ helpers

  private async direct(actor: SignedInActor, viewer: User, other: User): Promise<Conversation> {
    await this.refuseIfBlocked(actor, [other.id]);
    const directKey = directKeyOf(viewer.id, other.id);
    let conversation = await actor.em.findOne(Conversation, { directKey });
    if (!conversation) {
      try {
        conversation = await commit(actor, async (em) => {
          const created = em.create(Conversation, { kind: ConversationKind.DIRECT, directKey });
          em.create(ConversationMember, { conversation: created, user: viewer.id });
          em.create(ConversationMember, { conversation: created, user: other.id });
          return created;
        });
      } catch (e) {
        if (!(e instanceof UniqueConstraintViolationException)) throw e;
        // Both started it at the same moment: the other request created it.
        conversation = await actor.em.findOneOrFail(Conversation, { directKey });
      }
    }
    const id = conversation.id;
    await commit(actor, (tx) =>
      tx.nativeUpdate(
        ConversationMember,
        { conversation: id, leftAt: { $ne: null } },
        { leftAt: null },
      ),
    );
    return conversation;
  }

  /** The other users named, without the viewer and duplicates; unknown ids: BAD_USER_INPUT. */
  private async users(actor: SignedInActor, ids: readonly string[], viewer: User): Promise<User[]> {
    if (ids.length > CHAT_LIMITS.groupMembers) {
      throw badInput('memberIds', `a group has at most ${CHAT_LIMITS.groupMembers} members`);
    }
    if (!ids.every(isId)) throw badInput('memberIds', 'contains an unknown user id');
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => id !== viewer.id);
    if (!wanted.length) throw badInput('memberIds', 'must name at least one other user');
    const found = await findUsers(actor.em, wanted);
    if (found.length !== wanted.length) throw badInput('memberIds', 'contains an unknown user id');
    const byId = new Map(found.map((u) => [u.id, u]));
    return wanted.map((id) => byId.get(id)!);
  }

  private async otherUser(actor: SignedInActor, id: string, viewer: User): Promise<User> {
    const user = await findUser(actor.em, id);
    if (!user) throw notFound('User');
    if (user.id === viewer.id) throw badInput('userId', 'must be another user');
    return user;
  }
}
