import type { ActivitySink } from '../../infra/activity.js';
import type { QueryOrderMap } from '@mikro-orm/core';
import { badInput, forbidden, notFound } from '../../errors.js';
import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import {
  keysetPosition,
  pageSize,
  toPage,
  type Page,
  type PageInfo,
  type Slot,
} from '../../infra/pagination.js';
import type { PubSub } from '../../infra/pubsub.js';
import type { RateLimiter } from '../../infra/rate-limit.js';
import { isId, type Actor, type SignedInActor, type User } from '../accounts/index.js';
import type { MessageCipher } from './chat.crypto.js';
import { ChatReason } from './chat.errors.js';
import { ChatPublisher } from './chat.publisher.js';
import { blockFacts } from './block.lookup.js';
import { mayReach } from './chat.policy.js';
import { CHAT_LIMITS, messageCursor, parseMessageCursor } from './chat.validation.js';
import { Conversation, ConversationKind } from './conversation.entity.js';
import { ConversationMember } from './conversation-member.entity.js';
import { Message } from './message.entity.js';

export interface ChatRateLimits {
  perConversation: number;
  perConversationWindowSeconds: number;
  overall: number;
  overallWindowSeconds: number;
}

export interface ChatDeps {
  pubsub: PubSub;
  limiter: RateLimiter;
  cipher: MessageCipher;
  rates: ChatRateLimits;
  /** How long a `setTyping(true)` lasts unless renewed. */
  typingTtlMs: number;
  logger: Logger;
  /** Told of every message sent (platform metrics). */
  activity: ActivitySink;
}

const LIST_ORDER: QueryOrderMap<Conversation> = { lastMessageAt: 'desc', id: 'desc' };
const LIST_SHAPE: readonly Slot[] = ['date', 'id'];
const LIST_SCOPE = 'conversations';

export interface MessagePage {
  edges: { cursor: string; node: Message }[];
  pageInfo: PageInfo;
}

/** Everything that reads conversations and messages, always as a member sees them. */
export class ChatReader {
  protected readonly events: ChatPublisher;

  constructor(protected readonly deps: ChatDeps) {
    this.events = new ChatPublisher(deps.pubsub);
  }

  /** The conversation if the viewer is an active member of it; null otherwise. */
  async find(actor: Actor, id: string): Promise<Conversation | null> {
    if (!actor.viewer || !isId(id)) return null;
    const member = await actor.em.findOne(
      ConversationMember,
      { conversation: id.toLowerCase(), user: actor.viewer.id, leftAt: null },
      { populate: ['conversation'] },
    );
    return member?.conversation.getEntity() ?? null;
  }

  /** The viewer's conversations, most recently active first. */
  async list(actor: SignedInActor, first: number, after: string | null | undefined) {
    const viewer = actor.viewer;
    const size = pageSize(first);
    const cursor = await actor.em.findByCursor(
      Conversation,
      { id: { $in: memberships(actor.em, viewer) as never } },
      {
        first: size,
        after: after ? keysetPosition(LIST_SCOPE, after, LIST_SHAPE) : undefined,
        orderBy: LIST_ORDER,
        includeCount: false,
      },
    );
    const page: Page<Conversation> = toPage(cursor.items, (c) => cursor.from(c), LIST_SCOPE, {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: !!after,
      totalCount: 0,
    });
    return { edges: page.edges, pageInfo: page.pageInfo };
  }

  /** The `last` messages before `before` (a message cursor), oldest first. */
  async messages(
    actor: Actor,
    conversation: Conversation,
    last: number,
    before: string | null | undefined,
  ): Promise<MessagePage> {
    if (!Number.isInteger(last) || last < 0 || last > CHAT_LIMITS.history) {
      throw badInput('last', `must be between 0 and ${CHAT_LIMITS.history}`);
    }
    const size = last;
    const beforeSeq = before ? parseMessageCursor(before, 'before') : null;
    const rows =
      size === 0
        ? []
        : await actor.em.find(
            Message,
            beforeSeq
              ? { conversation: conversation.id, seq: { $lt: beforeSeq } }
              : { conversation: conversation.id },
            // Authors and replied-to messages joined in, so that a page costs the same
            // statements whatever its length and whichever way the batches fall into ticks.
            { orderBy: { seq: 'desc' }, limit: size + 1, populate: ['author', 'replyTo.author'] },
          );
    const items = rows.slice(0, size).reverse();
    const edges = items.map((node) => ({ cursor: messageCursor(node.seq), node }));
    return {
      edges,
      pageInfo: {
        hasPreviousPage: rows.length > size,
        hasNextPage: beforeSeq !== null && beforeSeq <= conversation.lastSeq,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  /** The message's plaintext; null once deleted. */
  body(message: Message): string | null {
    if (!message.ciphertext || !message.keyId) return null;
    return this.deps.cipher.open(message.id, message.keyId, message.ciphertext);
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Runs a publish after a committed change. The change stands when publishing fails
   * (Redis down): live clients catch up by resuming from their last cursor.
   */
  protected async announce(what: string, publish: () => Promise<void>): Promise<void> {
    try {
      await publish();
    } catch (error) {
      this.deps.logger.warn({ err: error }, `could not publish ${what}`);
    }
  }

  /**
   * FORBIDDEN (BLOCKED) unless the viewer may reach every user of `userIds` (`mayReach`:
   * none of them has blocked the viewer). One statement.
   */
  protected async refuseIfBlocked(actor: SignedInActor, userIds: readonly string[]) {
    const viewerId = actor.viewer.id;
    const facts = await blockFacts(actor.em, viewerId, userIds);
    if (!userIds.every((id) => mayReach(facts, viewerId, id))) {
      throw forbidden('This user does not accept your messages', ChatReason.BLOCKED);
    }
  }

  /**
   * In a DIRECT conversation, FORBIDDEN (BLOCKED) when the other member has blocked the
   * viewer: writing, editing, reacting, typing and read receipts all reach them. A group is
   * shared with others and stays open (nobody can be added to one by someone they blocked).
   */
  protected async refuseIfBlockedIn(actor: SignedInActor, conversation: Conversation) {
    if (conversation.kind !== ConversationKind.DIRECT) return;
    const viewerId = actor.viewer.id;
    const other = conversation.directKey!.split(':').find((id) => id !== viewerId)!;
    await this.refuseIfBlocked(actor, [other]);
  }

  /** The conversation of an active member; NOT_FOUND for everyone else. */
  protected async member(actor: Actor, id: string): Promise<Conversation> {
    const conversation = await this.find(actor, id);
    if (!conversation) throw notFound('Conversation');
    return conversation;
  }

  /** A message of a conversation the viewer is an active member of; NOT_FOUND otherwise. */
  protected async visibleMessage(actor: SignedInActor, id: string): Promise<Message> {
    const viewer = actor.viewer;
    const message = isId(id) ? await actor.em.findOne(Message, { id: id.toLowerCase() }) : null;
    const member =
      message &&
      (await actor.em.count(ConversationMember, {
        conversation: message.conversation.id,
        user: viewer.id,
        leftAt: null,
      }));
    if (!message || !member) throw notFound('Message');
    return message;
  }
}

function memberships(em: Em, viewer: User) {
  return em
    .createQueryBuilder(ConversationMember, 'm')
    .select('m.conversation_id')
    .where({ user: viewer.id, leftAt: null })
    .getKnexQuery();
}
