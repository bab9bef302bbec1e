import type { Em } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { PubSub } from '../../infra/pubsub.js';
import { getUser } from '../accounts/index.js';
import type { PresenceStore } from './chat-presence.store.js';
import { userSnapshot } from '../accounts/index.js';
import { CHAT_EVENTS } from './chat.topics.js';
import { ConversationMember } from './conversation-member.entity.js';

/**
 * Presence: a user is online while they hold at least one graphql-ws connection on any
 * process. The WebSocket server reports connections through `connected` and
 * `disconnected`; transitions are published as PresenceChanged to the user's conversations.
 * `start()` runs the heartbeat and the sweep of expired connections (Redis); `stop()` ends them.
 */
export class PresenceService {
  /** This process's signed-in connections: connection id -> user id. */
  private readonly local = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly store: PresenceStore,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
    private readonly heartbeatMs: number,
  ) {}

  async connected(em: Em, userId: string, connectionId: string): Promise<void> {
    this.local.set(connectionId, userId);
    await this.track(async () => {
      if (await this.store.connect(userId, connectionId)) await this.announce(em, userId, true);
    });
  }

  async disconnected(em: Em, userId: string, connectionId: string): Promise<void> {
    if (!this.local.delete(connectionId)) return;
    await this.track(async () => {
      if (await this.store.disconnect(userId, connectionId)) {
        await this.announce(em, userId, false);
      }
    });
  }

  /** The users of `userIds` that are online. */
  online(userIds: readonly string[]): Promise<Set<string>> {
    return this.store.online(userIds);
  }

  /** Heartbeats and sweeps every `heartbeatMs`; `em` forks an EntityManager for announcements. */
  start(em: () => Em): void {
    this.timer = setInterval(() => {
      void this.track(async () => {
        for (const userId of await this.store.heartbeat(this.local)) {
          await this.announce(em(), userId, true);
        }
        for (const userId of await this.store.sweep()) await this.announce(em(), userId, false);
      });
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** Stops the heartbeat and waits for transitions in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }

  private async track(work: () => Promise<void>): Promise<void> {
    const p = work().catch((err: unknown) => this.logger.warn({ err }, 'presence update failed'));
    this.pending.add(p);
    try {
      await p;
    } finally {
      this.pending.delete(p);
    }
  }

  private async announce(em: Em, userId: string, online: boolean): Promise<void> {
    const user = userSnapshot(await getUser(em, userId));
    const memberships = await em.find(ConversationMember, { user: userId, leftAt: null });
    await Promise.all(
      memberships.map((m) =>
        this.pubsub.publish(
          CHAT_EVENTS,
          { type: 'presence', conversationId: m.conversation.id, user, online },
          m.conversation.id,
        ),
      ),
    );
  }
}
