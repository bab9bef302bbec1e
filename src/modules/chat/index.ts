import { defineFeature } from '../../feature.js';
import { Block } from './block.entity.js';
import { MessageCipher } from './chat.crypto.js';
import { ChatLiveResolver } from './chat-live.resolver.js';
import { ChatLiveService } from './chat-live.service.js';
import { PresenceService } from './chat-presence.service.js';
import { memoryPresence, redisPresence } from './chat-presence.store.js';
import { createChatLoaders, type ChatLoaders } from './chat.loaders.js';
import type { ChatDeps } from './chat.reader.js';
import { chatRules } from './chat.rules.js';
import { ConversationMember } from './conversation-member.entity.js';
import { Conversation } from './conversation.entity.js';
import { ConversationResolver } from './conversation.resolver.js';
import { ConversationService } from './conversation.service.js';
import { ConversationMemberResolver } from './member.resolver.js';
import { Message } from './message.entity.js';
import { MessageResolver } from './message.resolver.js';
import { MessageService } from './message.service.js';
import { Reaction } from './reaction.entity.js';

export { Conversation, ConversationKind } from './conversation.entity.js';
export { Message } from './message.entity.js';
export { ConversationMember } from './conversation-member.entity.js';
export { Reaction } from './reaction.entity.js';
export { Block } from './block.entity.js';
export { memoryPresence, redisPresence, type PresenceStore } from './chat-presence.store.js';
export { MessageCipher, type ChatKey } from './chat.crypto.js';
export type { ChatRateLimits } from './chat.reader.js';
export { CHAT_EVENTS, CHAT_INBOX, type ChatEventPayload } from './chat.topics.js';

declare module '../../context.js' {
  interface Loaders {
    chat: ChatLoaders;
  }
}

export interface ChatPublic {
  conversations: ConversationService;
  messages: MessageService;
}

/** Chat: direct and group conversations, end-to-end ordered live events, presence, blocks. */
export const chat = defineFeature<ChatPublic>({
  name: 'chat',
  resolvers: [ConversationResolver, ConversationMemberResolver, MessageResolver, ChatLiveResolver],
  rules: chatRules,
  entities: [Conversation, ConversationMember, Message, Reaction, Block],
  create({ config, pubsub, limiter, logger, activity, redis, fork }) {
    const deps: ChatDeps = {
      pubsub,
      limiter,
      cipher: new MessageCipher(config.chatEncryptionKeys),
      rates: config.chatRates,
      typingTtlMs: config.chatTypingTtlMs,
      logger,
      activity,
    };
    const conversations = new ConversationService(deps);
    const messages = new MessageService(deps);
    const presence = new PresenceService(
      redis ? redisPresence(redis, config.redisPrefix, config.chatPresenceTtlMs) : memoryPresence(),
      pubsub,
      logger,
      config.chatPresenceHeartbeatMs,
    );
    return {
      services: { conversations, messages },
      resolvers: [
        new ConversationResolver(conversations),
        new MessageResolver(messages),
        new ChatLiveResolver(new ChatLiveService(deps)),
      ],
      loaders: (em, viewer) => ({ chat: createChatLoaders(em, viewer, presence) }),
      tasks: [
        { name: 'chat typing timers', start: () => undefined, stop: () => conversations.stop() },
        { name: 'chat presence', start: () => presence.start(fork), stop: () => presence.stop() },
      ],
      connections: {
        opened: (userId, id) => presence.connected(fork(), userId, id),
        closed: (userId, id) => presence.disconnected(fork(), userId, id),
      },
    };
  },
});
