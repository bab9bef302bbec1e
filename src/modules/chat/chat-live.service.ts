import type { Context, SignedIn } from '../../context.js';
import { badInput, notFound } from '../../errors.js';
import { inFreshScope, lazy, live, SKIP, subscribeThenAuthorize, type Lazy } from '../../live.js';
import type { User } from '../accounts/index.js';
import type { ChatLoaders } from './chat.loaders.js';
import { blocksInvolving } from './block.lookup.js';
import { mayReach, type BlockFacts } from './chat.policy.js';
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
import { sequenced, STORED_PAGE } from './chat-live.stream.js';
import { Message } from './message.entity.js';

/** A subscriber: a signed-in subscription context (a fresh scope for every event: `live`). */
type ChatLiveActor = SignedIn<Context>;

type ChatEventValue =
  MessagePosted | MessageUpdated | TypingChanged | ReadReceipt | PresenceChanged;

/** The chat subscriptions: authorised at subscribe time and for every event. */
export class ChatLiveService extends ChatReader {
  /**
   * Every event of one conversation; NOT_FOUND for anyone but an active member. With
   * `after`, first the stored messages after that cursor, page by page, then live events.
   * The topic is subscribed before anything is read, so what is published meanwhile waits
   * in the subscription's queue; messages are delivered in sequence order, each once, and
   * one whose event comes late or never is read from the database (see `sequenced`). An
   * `after` beyond the newest message is BAD_USER_INPUT.
   */
  async chatEvents(
    actor: ChatLiveActor,
    conversationId: string,
    after: string | null,
  ): Promise<AsyncIterableIterator<ChatEventValue | Lazy<ChatEventValue>>> {
    const viewer = actor.viewer;
    const sentSeq = after ? parseMessageCursor(after, 'after') : 0;
    const events = await this.deps.pubsub.listen(CHAT_EVENTS, conversationId.toLowerCase());
    const conversation = await subscribeThenAuthorize(events, async () => {
      const found = await this.find(actor, conversationId);
      if (!found) throw notFound('Conversation');
      // The server shows a cursor only once its message is committed, and lastSeq was read
      // after the client had it: a larger cursor was never handed out, whatever is being sent.
      if (sentSeq > found.lastSeq) {
        throw badInput('after', 'is not a message cursor of this conversation');
      }
      return found;
    });
    // A member who left stops receiving at once: their streams end with the event.
    const scoped = live(actor, events, (e) => e, {
      allowed: (e) => !(e.type === 'left' && e.userId === viewer.id),
      wanted: (e) => e.type !== 'left',
      shared: true,
    });
    return sequenced({
      events: scoped,
      sentSeq,
      replay: sentSeq > 0,
      seqOf: (e) => (e.type === 'posted' ? e.message.seq : null),
      stored: (afterSeq, beforeSeq) =>
        inFreshScope(actor, async () => {
          const rows = await actor.em.find(
            Message,
            {
              conversation: conversation.id,
              seq: beforeSeq ? { $gt: afterSeq, $lt: beforeSeq } : { $gt: afterSeq },
            },
            { orderBy: { seq: 'asc' }, limit: STORED_PAGE, populate: ['author'] },
          );
          // One statement for the page's reactions; each message then resolves from the cache.
          await actor.loaders.chat.reactions.loadMany(rows.map((m) => m.id));
          return rows;
        }),
      fromStored: (m) => Object.assign(new MessagePosted(), { message: m }),
      fromLive: async (e) => (e.type === 'left' ? SKIP : this.toValue(actor, viewer, e)),
    });
  }

  /** New messages and read receipts of all the viewer's conversations. */
  async inboxEvents(
    actor: ChatLiveActor,
  ): Promise<AsyncIterableIterator<ChatEventValue | Lazy<ChatEventValue>>> {
    const viewer = actor.viewer;
    const events = await this.deps.pubsub.listen(CHAT_INBOX, viewer.id);
    return live(actor, events, (e) => this.toValue(actor, viewer, e));
  }

  /** The blocks of an event's user, read once per event on this process (`reaches`). */
  private readonly blocksOf = new WeakMap<object, Promise<BlockFacts>>();

  /**
   * Whether `fromId` reaches `toId` (`mayReach`), one of them the viewer and the other the
   * user `event` is about: typing and read receipts reach the viewer from their author;
   * watching presence is the viewer reaching its user. Read per event, one statement for
   * all its subscribers (every block of that user): a block made meanwhile counts from the
   * next event. One statement per subscriber made each presence change of a 5 000-socket
   * conversation 5 000 statements, enough to exhaust the pool while members connected.
   */
  private async reaches(
    actor: ChatLiveActor,
    fromId: string,
    toId: string,
    event: object,
  ): Promise<boolean> {
    if (fromId === toId) return true;
    const other = fromId === actor.viewer.id ? toId : fromId;
    let facts = this.blocksOf.get(event);
    if (!facts) this.blocksOf.set(event, (facts = blocksInvolving(actor.em, other)));
    return mayReach(await facts, fromId, toId);
  }

  private async toValue(
    actor: ChatLiveActor,
    viewer: User,
    e: Exclude<ChatEventPayload, { type: 'left' }>,
  ): Promise<ChatEventValue | Lazy<ChatEventValue> | typeof SKIP> {
    if (
      (e.type === 'typing' || e.type === 'read') &&
      !(await this.reaches(actor, e.user.id, viewer.id, e))
    )
      return SKIP;
    if (e.type === 'presence' && !(await this.reaches(actor, viewer.id, e.user.id, e))) return SKIP;
    const prime = (id: string, counts: Parameters<ChatLoaders['reactions']['prime']>[1]) =>
      actor.loaders.chat.reactions.prime(id, counts);
    switch (e.type) {
      case 'posted':
      case 'updated':
        // Built when executed: subscribers whose group has the result never build it.
        return lazy(() => {
          const message = messageFromSnapshot(actor.em, e.message, viewer, prime);
          const value = e.type === 'posted' ? new MessagePosted() : new MessageUpdated();
          return Object.assign(value, { message });
        });
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
