import { badInput, notFound } from '../../errors.js';
import { END, mapEvents, SKIP } from '../../infra/pubsub.js';
import { requireViewer, type User } from '../accounts/index.js';
import type { LiveActor } from '../content/index.js';
import type { ChatLoaders } from './chat.loaders.js';
import { ChatReader } from './chat.reader.js';
import { messageFromSnapshot, userFromSnapshot } from './chat.snapshots.js';
import { CHAT_EVENTS, CHAT_INBOX, type ChatEventPayload } from './chat.topics.js';
import {
  MessagePosted,
  MessageUpdated,
  PresenceChanged,
  ReadReceipt,
  TypingChanged,
} from './chat-events.types.js';
import { messageCursor, parseMessageCursor } from './chat.validation.js';
import { Message } from './message.entity.js';

/** A subscriber: a live actor with the chat loaders, renewed for every event. */
export interface ChatLiveActor extends LiveActor {
  loaders: { chat: ChatLoaders };
}

type ChatEventValue =
  MessagePosted | MessageUpdated | TypingChanged | ReadReceipt | PresenceChanged;

/** Replayed messages are read this many at a time. */
const REPLAY_PAGE = 100;

/** The chat subscriptions: authorised at subscribe time and for every event. */
export class ChatLiveService extends ChatReader {
  /**
   * Every event of one conversation; NOT_FOUND for anyone but an active member. With
   * `after`, first the stored messages after that cursor, page by page, then live events.
   * The topic is subscribed before anything is read, so what is published meanwhile waits
   * in the subscription's queue; messages already replayed are skipped by their sequence
   * number: no gap, no duplicate. An `after` beyond the newest message is BAD_USER_INPUT.
   */
  async chatEvents(
    actor: ChatLiveActor,
    conversationId: string,
    after: string | null,
  ): Promise<AsyncIterableIterator<ChatEventValue>> {
    const viewer = requireViewer(actor);
    let sentSeq = after ? parseMessageCursor(after, 'after') : 0;
    const events = await this.deps.pubsub.listen(CHAT_EVENTS, conversationId.toLowerCase());
    const conversation = await this.find(actor, conversationId).catch(async (e: unknown) => {
      await events.return?.();
      throw e;
    });
    if (!conversation) {
      await events.return?.();
      throw notFound('Conversation');
    }
    // The server shows a cursor only once its message is committed, and lastSeq was read
    // after the client had it: a larger cursor was never handed out, whatever is being sent.
    if (sentSeq > conversation.lastSeq) {
      await events.return?.();
      throw badInput('after', 'is not a message cursor of this conversation');
    }
    const live = mapEvents(events, async (e) => {
      // A member who left stops receiving at once: their streams end with the event.
      if (e.type === 'left') return e.userId === viewer.id ? END : SKIP;
      if (e.type === 'posted') {
        if (e.message.seq <= sentSeq) return SKIP;
        sentSeq = e.message.seq;
      }
      actor.renew();
      return this.toValue(actor, viewer, e);
    });
    if (!after) return live;

    const page = async (): Promise<Message[]> => {
      actor.renew();
      const rows = await actor.em.find(
        Message,
        { conversation: conversation.id, seq: { $gt: sentSeq } },
        { orderBy: { seq: 'asc' }, limit: REPLAY_PAGE, populate: ['author'] },
      );
      // One statement for the page's reactions; each message then resolves from the cache.
      await actor.loaders.chat.reactions.loadMany(rows.map((m) => m.id));
      return rows;
    };
    return withReplay(live, page, (m) => {
      sentSeq = m.seq;
      return Object.assign(new MessagePosted(), { message: m });
    });
  }

  /** New messages and read receipts of all the viewer's conversations. */
  async inboxEvents(actor: ChatLiveActor): Promise<AsyncIterableIterator<ChatEventValue>> {
    const viewer = requireViewer(actor);
    const events = await this.deps.pubsub.listen(CHAT_INBOX, viewer.id);
    return mapEvents(events, async (e) => {
      actor.renew();
      return this.toValue(actor, viewer, e);
    });
  }

  private async toValue(
    actor: ChatLiveActor,
    viewer: User,
    e: Exclude<ChatEventPayload, { type: 'left' }>,
  ): Promise<ChatEventValue> {
    const prime = (id: string, counts: Parameters<ChatLoaders['reactions']['prime']>[1]) =>
      actor.loaders.chat.reactions.prime(id, counts);
    switch (e.type) {
      case 'posted':
      case 'updated': {
        const message = messageFromSnapshot(actor.em, e.message, viewer, prime);
        const value = e.type === 'posted' ? new MessagePosted() : new MessageUpdated();
        return Object.assign(value, { message });
      }
      case 'typing':
        return Object.assign(new TypingChanged(), {
          conversationId: e.conversationId,
          user: await userFromSnapshot(actor.em, e.user, viewer),
          typing: e.typing,
        });
      case 'read':
        return Object.assign(new ReadReceipt(), {
          conversationId: e.conversationId,
          user: await userFromSnapshot(actor.em, e.user, viewer),
          lastReadCursor: messageCursor(e.lastReadSeq),
        });
      case 'presence':
        return Object.assign(new PresenceChanged(), {
          conversationId: e.conversationId,
          user: await userFromSnapshot(actor.em, e.user, viewer),
          online: e.online,
        });
    }
  }
}

/**
 * Stored messages first, page by page, then the live stream. `return()` unsubscribes at
 * once, during the replay too.
 */
function withReplay<T>(
  live: AsyncIterableIterator<T>,
  page: () => Promise<Message[]>,
  toValue: (m: Message) => T,
): AsyncIterableIterator<T> {
  let buffered: Message[] = [];
  let replaying = true;
  let done = false;
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (done) return { value: undefined, done: true };
      if (replaying && !buffered.length) {
        buffered = await page();
        if (buffered.length < REPLAY_PAGE) replaying = false;
      }
      const m = buffered.shift();
      if (m) return { value: toValue(m), done: false };
      return live.next();
    },
    async return() {
      done = true;
      return live.return!();
    },
    async throw(err?: unknown) {
      done = true;
      await live.return!();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
